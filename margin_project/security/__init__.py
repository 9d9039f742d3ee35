"""Security plumbing every app shares: the client's address, sign-in lockouts, the second factor."""
