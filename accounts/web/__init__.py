"""Helpers for the customer web pages: access checks, one-time form tokens, page models."""
