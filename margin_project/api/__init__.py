"""API plumbing every app shares: errors, fields, permissions, schema, throttles, parsers, pagination."""
