"""API keys and the Binance-compatible surface (/sapi/v1/): encryption key, request weights, auth."""

from django.core.exceptions import ImproperlyConfigured

from .api import REST_FRAMEWORK
from .env import env
from .security import PRODUCTION

# Fernet keys (urlsafe base64 of 32 bytes) that encrypt HMAC secrets at rest; the first
# encrypts, all decrypt, so a key is rotated by putting the new one first. Generate one with
# python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
# When unset, a key derived from SECRET_KEY is used: fine for a demo, never for production.
API_KEY_ENCRYPTION_KEY = env.list("API_KEY_ENCRYPTION_KEY", default=[])
if PRODUCTION and not API_KEY_ENCRYPTION_KEY:
    raise ImproperlyConfigured("Set API_KEY_ENCRYPTION_KEY: API key secrets are encrypted with it.")

# Binance's limits per minute: request weight per client address (IP) and per customer (UID).
BINANCE_IP_WEIGHT_LIMIT = env.int("BINANCE_IP_WEIGHT_LIMIT", default=12000)
BINANCE_UID_WEIGHT_LIMIT = env.int("BINANCE_UID_WEIGHT_LIMIT", default=180000)
# Binance's default and largest recvWindow (milliseconds).
BINANCE_RECV_WINDOW_DEFAULT = 5000
BINANCE_RECV_WINDOW_MAX = 60000

# The same keys sign calls to /api/v1/ (X-MBX-APIKEY + timestamp + signature), checked only when
# that header is present. Last, so the first scheme (Token) still names the 401's WWW-Authenticate.
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    *[c for c in REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] if not c.endswith("ApiKeyAuthentication")],
    "accounts.api.key_auth.ApiKeyAuthentication",
]
