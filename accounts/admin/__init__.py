"""Customer accounts in the admin: the risk list, account pages, and money read-only.

Thin by rule: parse, authorise, call one service or selector, render.
"""

from . import margin, money, users  # noqa: F401  (registers the model admins)
