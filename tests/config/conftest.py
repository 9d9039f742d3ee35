"""Configuration tests reach the same change through the admin and the staff API.

The staff users and clients are the admin's and the API's own fixtures.
"""

from tests.admin.conftest import officer, officer_client, support, support_client  # noqa: F401
from tests.api.conftest import _fresh_throttles, staff, staff_api  # noqa: F401
