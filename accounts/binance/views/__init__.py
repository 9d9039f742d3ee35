"""The /sapi/v1/ endpoints, one module per Binance documentation section."""
