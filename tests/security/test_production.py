"""The production configuration: checks clean, refuses the unsafe, answers with the right headers.

The process-level tests start ``manage.py`` in a subprocess with the environment given, as
an operator would; ``docs/production.env`` is the environment the README documents.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.web.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
# Settings the suite's own run may carry that an operator's would not.
SUITE_ONLY = ("DEBUG", "MARGIN_ENV", "SECRET_KEY", "STAFF_MFA_REQUIRED", "DJANGO_ALLOW_ASYNC_UNSAFE")


def documented_environment() -> dict[str, str]:
    """docs/production.env, with a fresh SECRET_KEY where the operator would paste theirs."""
    env = {}
    for line in (ROOT / "docs" / "production.env").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = shlex.split(value)[0] if value.strip() else ""
    env["SECRET_KEY"] = env["SECRET_KEY"] or secrets.token_urlsafe(64)
    env["API_KEY_ENCRYPTION_KEY"] = env["API_KEY_ENCRYPTION_KEY"] or Fernet.generate_key().decode()
    return env


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def test_check_deploy_with_the_documented_production_environment_reports_no_issue():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **documented_environment())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"SECRET_KEY": ""},
            "SECRET_KEY is unset (or the public development key) with MARGIN_ENV=production",
        ),
        ({"DEBUG": "true"}, "DEBUG is on with MARGIN_ENV=production"),
        ({"STAFF_MFA_REQUIRED": "false"}, "STAFF_MFA_REQUIRED=false is for the demo only"),
    ],
)
def test_production_refuses_to_start_unsafe(change, message):
    result = manage("check", **{**documented_environment(), **change})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_a_bad_throttle_rate_stops_the_start_naming_the_variable():
    result = manage("check", API_THROTTLE_MONEY="120 per minute")

    assert result.returncode != 0
    assert "API_THROTTLE_MONEY: '120 per minute' is not a rate" in result.stderr


def test_empty_service_urls_mean_the_defaults():
    result = manage("check", DATABASE_URL="", CELERY_BROKER_URL="", REDIS_URL="", API_THROTTLE_USER="1200")

    assert result.returncode == 0, result.stderr


def test_the_production_defaults_are_the_safe_ones():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER, s.STAFF_MFA_REQUIRED, s.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    result = manage("shell", "--no-imports", "-c", code, **documented_environment())

    assert result.stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "1",
    ]


# --- the headers -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_account_data_from_the_api_is_never_stored_in_a_cache(customer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=customer).key}")

    response = client.get("/api/v1/account/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_customer_pages_are_never_stored_in_a_cache(client, customer):
    sign_in(client, customer)

    response = client.get(reverse("dashboard"))

    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client, customer):
    policy = client.get(reverse("login"))["Content-Security-Policy"]

    assert (
        "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    )


@pytest.mark.django_db
def test_the_api_docs_run_no_inline_script(client):
    html = client.get("/api/v1/docs/").content.decode()

    assert "<script>" not in html.replace(" ", "")
    assert "/api/v1/docs/?script=" in html


def test_no_template_has_an_inline_script_or_event_handler():
    """The Content-Security-Policy allows scripts only from files: an inline one would not run."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []
