"""A Binance-compatible cross-margin API under /sapi/v1/: the clients people already run, unchanged.

Thin interfaces over the same services and selectors as /api/v1/: Binance's parameter and
field names, numbers as strings, ``{"code", "msg"}`` errors, signed with the customer's
API keys (``accounts.services.api_keys``). See docs/notes/binance.md for what differs.
"""
