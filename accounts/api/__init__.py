"""The customer API under /api/v1/ (DRF): thin views over the account services and selectors."""
