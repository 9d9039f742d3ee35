"""One error shape for every 4xx, and an OpenAPI schema with examples, served with an offline UI."""

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import error_of
from tests.helpers import ledger_state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "url", "body", "content_type", "status", "code"),
    [
        ("get", "/api/v1/no-such-thing/", None, None, 404, "not_found"),
        ("post", "/api/v1/account", "{}", "application/json", 404, "not_found"),
        ("delete", "/api/v1/account/", None, None, 405, "method_not_allowed"),
        ("post", "/api/v1/account/loans/borrow/", "{not json", "application/json", 400, "parse_error"),
        ("post", "/api/v1/account/loans/borrow/", "[1, 2]", "application/json", 400, "invalid"),
        ("post", "/api/v1/account/loans/borrow/", "null", "application/json", 400, "null"),
        (
            "post",
            "/api/v1/account/loans/borrow/",
            "asset=USDT&amount=1",
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
        (
            "post",
            "/api/v1/account/loans/borrow/",
            "[" * 100_000 + "]" * 100_000,
            "application/json",
            400,
            "parse_error",
        ),
        (
            "post",
            "/api/v1/account/loans/borrow/",
            b'{"asset": "\xff"}',
            "application/json",
            400,
            "parse_error",
        ),
        ("get", "/api/v1/assets/%00/", None, None, 404, "not_found"),
        ("get", "/api/v1/account/margin-calls/99999999999999999999999/", None, None, 404, "not_found"),
    ],
)
def test_bad_requests_get_the_error_shape_and_change_nothing(
    api, borrower, method, url, body, content_type, status, code
):
    before = ledger_state()
    kwargs = {"data": body, "content_type": content_type} if body is not None else {}
    response = getattr(api, method)(url, **kwargs)
    assert response.status_code == status, response.content
    assert error_of(response)["code"] == code
    assert ledger_state() == before


def test_validation_errors_list_every_problem(api, borrower):
    response = api.post("/api/v1/account/transfers/", {"amount": 1}, format="json")
    error = error_of(response)
    assert {d["field"] for d in error["details"]} == {"asset", "amount", "direction"}


def test_unicode_and_nul_bytes_are_refused_cleanly(api, borrower, otp):
    for asset in ["\x00BTC", "₿", "B" * 500]:
        response = api.post(
            "/api/v1/account/loans/borrow/", {"asset": asset, "amount": "1"}, format="json", **otp()
        )
        assert response.status_code in (400, 422), response.content
        error_of(response)


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_has_request_and_response_examples():
    missing = []
    for path, item in _schema()["paths"].items():
        for method, operation in item.items():
            ok = next(iter(operation["responses"].values()), None)
            ok_content = (ok or {}).get("content", {}).get("application/json", {})
            if ok_content and not ok_content.get("examples"):
                missing.append(f"{method} {path} response")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body and not body.get("examples"):
                missing.append(f"{method} {path} request")
    assert not missing, missing


def test_every_operation_documents_the_error_shape():
    for path, item in _schema()["paths"].items():
        for method, operation in item.items():
            for status in ("400", "401", "403", "404", "422", "429"):
                assert status in operation["responses"], (method, path, status)


def test_amounts_are_strings_in_the_schema():
    schema = _schema()["components"]["schemas"]
    assert schema["LoanBorrowRequest"]["properties"]["amount"]["type"] == "string"
    assert schema["AccountSummary"]["properties"]["margin_ratio"]["type"] == "string"


def test_the_schema_and_the_swagger_ui_are_served_without_the_internet(client: Client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Margin desk API"
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert f"/api/v1/docs/swagger-ui/{asset}" in html
        served = client.get(f"/api/v1/docs/swagger-ui/{asset}")
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content)
