"""Who may do what, everywhere: every route of the URL conf × every role, against one explicit table.

The routes come from the URL conf itself (every /api/v1/ endpoint and method, every admin
page, action and operation, every web page), so an endpoint added without a row here
fails ``test_every_route_has_a_rule``; a row for a route that went fails it too. Each
role then calls every route (staff signed in past their second factor and sending a
valid X-OTP-Code, the customer past theirs) and the outcome must be the table's: a role
the table does not allow must be refused (401/403, or sent to sign in), a role it
allows must not be. Bodies are empty, so an allowed change is refused as invalid
input and changes nothing; the point is who gets past the door.

Roles: anonymous, customer, support (view only, plus two customer-care actions),
risk officer (configures and operates), superuser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.generic import RedirectView
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.views import APIView

from accounts.models import ApiKey
from margin_project.events.models import Event, WebhookEndpoint
from risk.models import Asset, AssetPrice, PriceHold, RiskSettings

from .conftest import ROLES, Desk, api_for, browser_for

pytestmark = pytest.mark.django_db

NOBODY: frozenset[str] = frozenset()
SUPERUSER = frozenset({"superuser"})
OFFICER = frozenset({"officer", "superuser"})
STAFF = frozenset({"support", "officer", "superuser"})
CUSTOMER = frozenset({"customer"})
SIGNED_IN = CUSTOMER | STAFF
EVERYONE = SIGNED_IN | {"anonymous"}

# --- the table -------------------------------------------------------------------------------

# /api/v1/: route name -> {method: roles allowed}.
API = {
    "api-schema": {"GET": EVERYONE},
    "api-docs": {"GET": EVERYONE},
    "api-docs-files": {"GET": EVERYONE},
    "api-token-obtain": {"POST": EVERYONE},
    "api-tokens": {"GET": SIGNED_IN},
    "api-token-revoke": {"DELETE": SIGNED_IN},
    "api-account": {"GET": CUSTOMER},
    "api-mode-enable": {"POST": CUSTOMER},
    "api-mode-disable": {"POST": CUSTOMER},
    "api-max-borrowable": {"GET": CUSTOMER},
    "api-max-transferable": {"GET": CUSTOMER},
    "api-transfer": {"POST": CUSTOMER},
    "api-borrow": {"POST": CUSTOMER},
    "api-repay": {"POST": CUSTOMER},
    "api-ledger": {"GET": CUSTOMER},
    "api-interest": {"GET": CUSTOMER},
    "api-margin-calls": {"GET": CUSTOMER},
    "api-margin-call": {"GET": CUSTOMER},
    "api-liquidations": {"GET": CUSTOMER},
    "api-liquidation": {"GET": CUSTOMER},
    "api-notifications": {"GET": CUSTOMER},
    "api-notifications-read": {"POST": CUSTOMER},
    "api-notification-read": {"POST": CUSTOMER},
    "api-assets": {"GET": SIGNED_IN},
    "api-asset": {"GET": SIGNED_IN},
    "api-staff-deposit": {"POST": OFFICER},
    "api-staff-accounts": {"GET": STAFF},
    "api-staff-account": {"GET": STAFF},
    "api-staff-prices": {"POST": OFFICER},
    "api-staff-price-holds": {"GET": STAFF},
    "api-staff-price-hold-confirm": {"POST": OFFICER},
    "api-staff-price-hold-reject": {"POST": OFFICER},
    "api-staff-asset-create": {"POST": OFFICER},
    "api-staff-asset": {"PATCH": OFFICER},
    "api-staff-asset-tiers": {"PUT": OFFICER},
    "api-staff-risk-settings": {"GET": STAFF, "PATCH": OFFICER},
    "api-keys": {"GET": CUSTOMER, "POST": CUSTOMER},
    "api-key": {"DELETE": CUSTOMER},
    # Events and webhooks: a customer their own (another's is not found); staff by role.
    "api-events": {"GET": SIGNED_IN},
    "api-event-types": {"GET": SIGNED_IN},
    "api-event": {"GET": SIGNED_IN},
    "api-webhook-endpoints": {"GET": SIGNED_IN, "POST": CUSTOMER | OFFICER},
    "api-webhook-endpoint": {"GET": SIGNED_IN, "PATCH": CUSTOMER | OFFICER, "DELETE": CUSTOMER | OFFICER},
    "api-webhook-deliveries": {"GET": SIGNED_IN},
    "api-webhook-rotate-secret": {"POST": CUSTOMER | OFFICER},
    "api-webhook-resend": {"POST": CUSTOMER | OFFICER},
}

# Binance's dialect (/sapi/v1/, /api/v3/): only a signed API key opens it (tests/binance prove
# who a key reaches); no session and no token gets past it, except the public server time.
BINANCE = {
    "binance-time": {"GET": EVERYONE},
    "binance-account": {"GET": NOBODY},
    "binance-borrow-repay": {"GET": NOBODY, "POST": NOBODY},
    "binance-max-borrowable": {"GET": NOBODY},
    "binance-max-transferable": {"GET": NOBODY},
    "binance-asset-transfer": {"GET": NOBODY, "POST": NOBODY},
    "binance-margin-transfer": {"GET": NOBODY},
    "binance-interest": {"GET": NOBODY},
    "binance-interest-rates": {"GET": NOBODY},
    "binance-next-hourly-rate": {"GET": NOBODY},
    "binance-liquidations": {"GET": NOBODY},
    "binance-capital-flow": {"GET": NOBODY},
    "binance-all-assets": {"GET": NOBODY},
    "binance-margin-data": {"GET": NOBODY},
    "binance-collateral-ratio": {"GET": NOBODY},
    "binance-price-index": {"GET": NOBODY},
}

# Customer web pages: route name -> {method: roles}. Staff are sent to the admin.
WEB = {
    "dashboard": {"GET": CUSTOMER},
    "login": {"GET": EVERYONE, "POST": EVERYONE},
    "login-verify": {"GET": EVERYONE, "POST": EVERYONE},
    "logout": {"POST": EVERYONE},
    "password-change": {"GET": CUSTOMER, "POST": CUSTOMER},
    "password-reset": {"GET": EVERYONE, "POST": EVERYONE},
    "password-reset-done": {"GET": EVERYONE},
    "password-reset-confirm": {"GET": EVERYONE, "POST": EVERYONE},
    "password-reset-complete": {"GET": EVERYONE},
    "two-factor": {"GET": CUSTOMER, "POST": CUSTOMER},
    "transfer": {"GET": CUSTOMER, "POST": CUSTOMER},
    "borrow": {"GET": CUSTOMER, "POST": CUSTOMER},
    "repay": {"GET": CUSTOMER, "POST": CUSTOMER},
    "mode": {"GET": CUSTOMER},
    "mode-enable": {"GET": CUSTOMER, "POST": CUSTOMER},
    "mode-disable": {"GET": CUSTOMER, "POST": CUSTOMER},
    "alerts": {"GET": CUSTOMER},
    "alerts-read": {"POST": CUSTOMER},
    "liquidations": {"GET": CUSTOMER},
    "liquidation-detail": {"GET": CUSTOMER},
    "history": {"GET": CUSTOMER},
    "transaction-detail": {"GET": CUSTOMER},
    "interest-history": {"GET": CUSTOMER},
    "api-keys-page": {"GET": CUSTOMER, "POST": CUSTOMER},
    "api-key-revoke": {"POST": CUSTOMER},
    "two-factor-recovery": {"GET": CUSTOMER, "POST": CUSTOMER},
    "repay-collateral": {"GET": CUSTOMER, "POST": CUSTOMER},
    "history-export": {"GET": CUSTOMER},
    "interest-export": {"GET": CUSTOMER},
    "webhooks": {"GET": CUSTOMER, "POST": CUSTOMER},
    "webhook-detail": {"GET": CUSTOMER, "POST": CUSTOMER},
}


@dataclass(frozen=True)
class ModelRule:
    view: frozenset[str]
    add: frozenset[str] = NOBODY
    change: frozenset[str] = NOBODY
    delete: frozenset[str] = NOBODY


READ_ONLY = ModelRule(view=STAFF)
SUPERUSER_ONLY = ModelRule(view=SUPERUSER, add=SUPERUSER, change=SUPERUSER, delete=SUPERUSER)
SCHEDULE = ModelRule(view=STAFF, add=OFFICER, change=OFFICER, delete=OFFICER)

# Every model in the admin: who may list/see, add, change, delete it.
ADMIN_MODELS = {
    "auth.group": SUPERUSER_ONLY,
    "authtoken.tokenproxy": SUPERUSER_ONLY,
    "otp_totp.totpdevice": SUPERUSER_ONLY,
    "otp_static.staticdevice": SUPERUSER_ONLY,
    "axes.accessattempt": ModelRule(view=SUPERUSER, change=SUPERUSER, delete=SUPERUSER),
    "axes.accesslog": ModelRule(view=SUPERUSER, change=SUPERUSER, delete=SUPERUSER),
    "axes.accessfailurelog": ModelRule(view=SUPERUSER, change=SUPERUSER, delete=SUPERUSER),
    "django_celery_beat.periodictask": SCHEDULE,
    "django_celery_beat.clockedschedule": SCHEDULE,
    "django_celery_beat.crontabschedule": SCHEDULE,
    "django_celery_beat.solarschedule": SCHEDULE,
    "django_celery_beat.intervalschedule": SCHEDULE,
    "accounts.user": ModelRule(view=STAFF, add=SUPERUSER, change=SUPERUSER, delete=SUPERUSER),
    "accounts.marginaccount": READ_ONLY,
    "accounts.loan": READ_ONLY,
    "accounts.interestaccrual": READ_ONLY,
    "accounts.ledgertransaction": READ_ONLY,
    "accounts.ledgeraccount": READ_ONLY,
    "accounts.notification": READ_ONLY,
    "risk.asset": ModelRule(view=STAFF, add=OFFICER, change=OFFICER, delete=SUPERUSER),
    "risk.assetprice": READ_ONLY,
    "risk.pricehold": READ_ONLY,
    "risk.priceobservation": READ_ONLY,
    "risk.risksettings": ModelRule(view=STAFF, change=OFFICER),
    "risk.margincall": READ_ONLY,
    "risk.liquidation": READ_ONLY,
    "risk.statuschange": READ_ONLY,
    "risk.staffalert": READ_ONLY,
    "risk.ratiosnapshot": READ_ONLY,
    "events.event": READ_ONLY,
    # Staff register the desk's own endpoints; deleting one is for superusers.
    "events.webhookendpoint": ModelRule(view=STAFF, add=OFFICER, change=OFFICER, delete=SUPERUSER),
    "events.webhookdelivery": READ_ONLY,
    "events.deliveryattempt": READ_ONLY,
}

# Admin actions on a change list: (model, action) -> roles that may run it.
ADMIN_ACTIONS = {
    ("auth.group", "delete_selected"): SUPERUSER,
    ("otp_totp.totpdevice", "delete_selected"): SUPERUSER,
    ("otp_static.staticdevice", "delete_selected"): SUPERUSER,
    ("axes.accessattempt", "delete_selected"): SUPERUSER,
    ("axes.accessattempt", "cleanup_expired_attempts"): SUPERUSER,
    ("axes.accesslog", "delete_selected"): SUPERUSER,
    ("axes.accessfailurelog", "delete_selected"): SUPERUSER,
    ("django_celery_beat.periodictask", "delete_selected"): OFFICER,
    ("django_celery_beat.periodictask", "enable_tasks"): OFFICER,
    ("django_celery_beat.periodictask", "disable_tasks"): OFFICER,
    ("django_celery_beat.periodictask", "toggle_tasks"): OFFICER,
    ("django_celery_beat.periodictask", "run_tasks"): OFFICER,
    ("django_celery_beat.clockedschedule", "delete_selected"): OFFICER,
    ("django_celery_beat.crontabschedule", "delete_selected"): OFFICER,
    ("django_celery_beat.solarschedule", "delete_selected"): OFFICER,
    ("django_celery_beat.intervalschedule", "delete_selected"): OFFICER,
    ("accounts.user", "delete_selected"): SUPERUSER,
    ("accounts.marginaccount", "sweep_selected"): OFFICER,
    ("risk.asset", "delete_selected"): SUPERUSER,
    ("risk.pricehold", "confirm_selected"): OFFICER,
    ("risk.pricehold", "reject_selected"): OFFICER,
    ("events.webhookendpoint", "delete_selected"): SUPERUSER,
    ("events.webhookendpoint", "disable"): OFFICER,
    ("events.webhookendpoint", "enable"): OFFICER,
    ("events.webhookendpoint", "resend_head"): OFFICER,
    ("events.webhookdelivery", "resend"): OFFICER,
}

# Every other admin page: the site's own and the operations the model admins add.
ADMIN_PAGES = {
    "admin:index": {"GET": STAFF},
    "admin:login": {"GET": EVERYONE, "POST": EVERYONE},
    "admin:logout": {"POST": EVERYONE},
    "admin:password_change": {"GET": STAFF, "POST": STAFF},
    "admin:password_change_done": {"GET": STAFF},
    # No model has autocomplete fields: the view refuses every request.
    "admin:autocomplete": {"GET": NOBODY},
    "admin:jsi18n": {"GET": STAFF},
    "admin:view_on_site": {"GET": STAFF},
    "admin:app_list": {"GET": STAFF},
    "admin:two_factor_enrol": {"GET": STAFF, "POST": STAFF},
    "admin:otp_totp_totpdevice_config": {"GET": SUPERUSER},
    "admin:otp_totp_totpdevice_qrcode": {"GET": SUPERUSER},
    "admin:auth_user_password_change": {"GET": SUPERUSER, "POST": SUPERUSER},
    # A past version can be read; reverting to it is disabled for everyone.
    "admin:risk_asset_simple_history": {"GET": STAFF, "POST": NOBODY},
    "admin:risk_assetprice_simple_history": {"GET": STAFF, "POST": NOBODY},
    "admin:risk_risksettings_simple_history": {"GET": STAFF, "POST": NOBODY},
    "admin:accounts_marginaccount_sweep": {"POST": OFFICER},
    "admin:accounts_marginaccount_stress": {"GET": STAFF},
    "admin:accounts_interestaccrual_accrue": {"GET": OFFICER, "POST": OFFICER},
    "admin:accounts_ledgertransaction_deposit": {"GET": OFFICER, "POST": OFFICER},
    "admin:accounts_ledgertransaction_correct": {"GET": SUPERUSER, "POST": SUPERUSER},
    "admin:risk_assetprice_record": {"GET": OFFICER, "POST": OFFICER},
    # Customer care: support and risk officers may reset a customer's two-factor or lockout.
    "admin:accounts_user_two_factor_reset": {"GET": STAFF, "POST": STAFF},
    "admin:accounts_user_lockout_clear": {"GET": STAFF, "POST": STAFF},
}

# Routes that are not endpoints (each with the reason).
NOT_ENDPOINTS = {
    "api/v1/^.*$": "the API's catch-all 404",
    "admin/(?P<url>.*)$": "the admin's catch-all 404",
    "^sapi/v[0-9]+/margin/isolated": "Binance's isolated margin: answers -1020 not supported to everyone",
    "^sapi/v[0-9]+/margin/isolatedMargin": "Binance's isolated margin: answers -1020 not supported",
    "^sapi/v[0-9]+/margin/(order|openOrders|allOrders|myTrades|orderList|allOrderList|openOrderList|oto|"
    "myPreventedMatches|rateLimit|allPairs|pair|manual-liquidation|tradeCoeff)": "orders and trades: -1020",
    "^(sapi/|api/v3/)": "the Binance surface's catch-all 404",
}

# --- the routes, from the URL conf ------------------------------------------------------------

API_METHODS = ("get", "post", "put", "patch", "delete")
ADMIN_KINDS = {
    "changelist": lambda rule: {"GET": rule.view},
    "add": lambda rule: {"GET": rule.add, "POST": rule.add},
    "change": lambda rule: {"GET": rule.view | rule.change, "POST": rule.change},
    "delete": lambda rule: {"GET": rule.delete, "POST": rule.delete},
    "history": lambda rule: {"GET": rule.view},
}


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str | None
    callback: object
    area: str  # "api", "binance", "admin" or "web"


def url_conf_routes() -> list[Route]:
    def walk(patterns, prefix="", namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                pattern = prefix + str(entry.pattern)
                if pattern.startswith(("sapi/", "api/v3/")):
                    area = "binance"
                elif pattern.startswith("api/"):
                    area = "api"
                else:
                    area = "admin" if namespace == "admin" else "web"
                yield Route(pattern, name, entry.callback, area)

    return list(walk(get_resolver().url_patterns))


def is_redirect_only(route: Route) -> bool:
    """The admin's unnamed <object_id>/ routes only redirect to the change page (tested itself)."""
    view_class = getattr(route.callback, "view_class", None)
    return route.name is None and view_class is not None and issubclass(view_class, RedirectView)


def admin_model_of(name: str) -> tuple[str, str] | None:
    """("risk.asset", "change") for "admin:risk_asset_change", when it is a standard model page."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        kind = name.removeprefix(prefix)
        if name.startswith(prefix) and kind in ADMIN_KINDS:
            return model._meta.label_lower, kind
    return None


def expected_rules(route: Route) -> dict[str, frozenset[str]] | None:
    """The table's rows for this route, or None when the table has none."""
    if route.area == "api":
        return API.get(route.name)
    if route.area == "web":
        return WEB.get(route.name)
    if route.area == "binance":
        return BINANCE.get(route.name)
    found = admin_model_of(route.name)
    if found is not None:
        model, kind = found
        rule = ADMIN_MODELS.get(model)
        return ADMIN_KINDS[kind](rule) if rule is not None else None
    return ADMIN_PAGES.get(route.name)


def api_methods(route: Route) -> set[str]:
    view_class = route.callback.view_class
    return {m.upper() for m in API_METHODS if hasattr(view_class, m)}


def checked_routes() -> list[Route]:
    return [r for r in url_conf_routes() if r.pattern not in NOT_ENDPOINTS and not is_redirect_only(r)]


def test_every_route_has_a_rule():
    missing = [f"{r.pattern} ({r.name})" for r in checked_routes() if expected_rules(r) is None]
    assert missing == [], f"Routes without a rule in the role matrix: {missing}"


def test_every_api_method_has_a_rule_and_no_rule_is_stale():
    wrong = []
    for route in checked_routes():
        if route.area == "api" and issubclass(getattr(route.callback, "view_class", object), APIView):
            declared = set(API[route.name])
            if declared != api_methods(route):
                wrong.append((route.name, sorted(api_methods(route)), sorted(declared)))
    names = {r.name for r in checked_routes()}
    stale = sorted(set(API) - names) + sorted(set(WEB) - names) + sorted(set(ADMIN_PAGES) - names)
    stale += sorted(set(BINANCE) - names)
    registered = {model._meta.label_lower for model in admin.site._registry}
    stale += sorted(set(ADMIN_MODELS) - registered)
    assert wrong == [] and stale == [], (wrong, stale)


def test_every_admin_action_has_a_rule(rf, desk):
    request = rf.get("/admin/")
    request.user = desk.users["superuser"]
    actions = {
        (model._meta.label_lower, name)
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.get_actions(request)
    }
    assert actions == set(ADMIN_ACTIONS), (
        sorted(actions - set(ADMIN_ACTIONS)),
        sorted(set(ADMIN_ACTIONS) - actions),
    )


# --- calling every route as every role ----------------------------------------------------------


def sample_object(model_label: str, desk: Desk):
    """A row of the model for the admin's object pages (the customer's own where it matters)."""
    if model_label == "accounts.user":
        return desk.customer
    model = next(m for m in admin.site._registry if m._meta.label_lower == model_label)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the desk fixture has no {model_label} for its admin pages"
    return obj


def url_for(route: Route, desk: Desk, role: str) -> str:
    name = route.name
    alice = desk.customer
    special_args = {
        "admin:risk_asset_simple_history": lambda: _history_args(Asset.objects.get(symbol="BTC")),
        "admin:risk_assetprice_simple_history": lambda: _history_args(
            AssetPrice.objects.order_by("pk").first()
        ),
        "admin:risk_risksettings_simple_history": lambda: _history_args(RiskSettings.load()),
    }
    if name in special_args:
        return reverse(name, args=special_args[name]())
    by_name = {
        "api-margin-call": {"pk": desk.margin_call.pk},
        "api-staff-price-hold-confirm": {"pk": PriceHold.objects.order_by("pk").first().pk},
        "api-staff-price-hold-reject": {"pk": PriceHold.objects.order_by("pk").first().pk},
        "api-liquidation": {"pk": desk.liquidation.pk},
        "api-notification-read": {"pk": desk.notification.pk},
        "liquidation-detail": {"pk": desk.liquidation.pk},
        "transaction-detail": {"pk": desk.transaction.pk},
        "api-token-revoke": {"prefix": _token_prefix(desk, role)},
        "api-event": {"pk": Event.objects.filter(account__user=alice).order_by("pk").first().pk},
        # Someone else's endpoint and delivery: whoever gets past the door finds nothing (404).
        "api-webhook-endpoint": {"pk": _others_endpoint(desk).pk},
        "api-webhook-deliveries": {"pk": _others_endpoint(desk).pk},
        "api-webhook-rotate-secret": {"pk": _others_endpoint(desk).pk},
        "api-webhook-resend": {"pk": _others_endpoint(desk).deliveries.get().pk},
        "webhook-detail": {"pk": _others_endpoint(desk).pk},
        "admin:otp_totp_totpdevice_config": {"pk": TOTPDevice.objects.order_by("pk").first().pk},
        "admin:otp_totp_totpdevice_qrcode": {"pk": TOTPDevice.objects.order_by("pk").first().pk},
        "admin:auth_user_password_change": {"id": alice.pk},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(alice).pk,
            "object_id": alice.pk,
        },
        "password-reset-confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(alice.pk)),
            "token": default_token_generator.make_token(alice),
        },
    }
    if name in ("api-key", "api-key-revoke"):
        by_name[name] = {"api_key" if name == "api-key" else "key": _customer_key(desk)}
    kwargs = dict(by_name.get(name, {}))
    found = admin_model_of(name) if route.area == "admin" else None
    if found and found[1] != "changelist" and found[1] != "add":
        kwargs["object_id"] = sample_object(found[0], desk).pk
    by_param = {"symbol": "BTC", "user_id": alice.pk, "app_label": "risk", "path": "swagger-ui.css"}
    for param in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route.pattern):
        param = param[0] or param[1]
        if param not in kwargs and param in by_param:
            kwargs[param] = by_param[param]
    return reverse(name, kwargs=kwargs)


def _others_endpoint(desk: Desk) -> WebhookEndpoint:
    """The desk fixture's webhook endpoint, owned by a customer none of the roles is."""
    return WebhookEndpoint.objects.get(owner__username="hook-owner")


def _history_args(obj) -> list:
    return [obj.pk, obj.history.order_by("history_id").first().history_id]


def _customer_key(desk: Desk) -> str:
    """The customer's API key (its identifier is public; the secret is not needed to revoke it)."""
    key, _ = ApiKey.objects.get_or_create(
        user=desk.customer, label="matrix", defaults={"key": "M" * 64, "kind": "ed25519", "public_key": "-"}
    )
    return key.key


def _token_prefix(desk: Desk, role: str) -> str:
    user = desk.users.get(role, desk.customer)
    token, _ = Token.objects.get_or_create(user=user)
    return token.key[:8]


DENIED_API_CODES = {"permission_denied", "not_authenticated", "authentication_failed"}


def api_allowed(response) -> bool:
    if response.status_code == 401:
        return False
    if response.status_code == 403:
        return response.json()["error"]["code"] not in DENIED_API_CODES
    return True


# Binance's codes for a request its key does not open: no/bad key, no permission, bad signature,
# missing timestamp or signature.
BINANCE_DENIED = {-2014, -2015, -1022, -1102}


def binance_allowed(response) -> bool:
    if response.status_code < 400:
        return True
    return response.json().get("code") not in BINANCE_DENIED


def page_allowed(response, route: Route) -> bool:
    """Refused: 403, or sent to sign in (admin or web), or (a web page) sent away to the admin."""
    if response.status_code == 403:
        return False
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("admin:login")) or location.startswith(
            reverse("admin:two_factor_enrol")
        ):
            return False
        if route.area == "web" and (
            location == reverse("admin:index")
            or (location.startswith(reverse("login")) and "next=" in location)
        ):
            return False
    return True


SESSION_ENDING = {"logout", "admin:logout"}


def call(route: Route, method: str, desk: Desk, role: str, browser) -> bool:
    """Whether ``role`` got past the door of ``method`` on ``route``."""
    url = url_for(route, desk, role)
    if route.area == "api":
        response = getattr(api_for(desk, role), method.lower())(url, {}, format="json")
        assert response.status_code < 500, (route.name, role, response.status_code)
        return api_allowed(response)
    if route.area == "binance":
        response = getattr(api_for(desk, role), method.lower())(url)
        assert response.status_code < 500, (route.name, role, response.status_code)
        return binance_allowed(response)
    client = browser_for(desk, role) if route.name in SESSION_ENDING else browser
    response = getattr(client, method.lower())(url, {})
    assert response.status_code < 500, (route.name, role, response.status_code)
    return page_allowed(response, route)


def action_allowed(model_label: str, action: str, desk: Desk, browser) -> bool:
    app_label, model_name = model_label.split(".")
    obj = sample_object(model_label, desk)
    browser.get(reverse("admin:index"))  # shows, and so clears, the messages an earlier action left
    response = browser.post(
        reverse(f"admin:{app_label}_{model_name}_changelist"),
        {"action": action, "_selected_action": [obj.pk], "index": 0},
    )
    assert response.status_code < 500, (model_label, action, response.status_code)
    if not page_allowed(response, Route("", None, None, "admin")):
        return False
    if response.status_code == 200:
        # The action's own page (delete's confirmation), or the list again: no action offered.
        return not any(t.name.endswith("change_list.html") for t in response.templates)
    return not any(
        "No action selected" in str(m) or "Items must be selected" in str(m)
        for m in get_messages(response.wsgi_request)
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_what_the_table_allows(desk, role):
    """0 forbidden actions allowed, and nothing allowed refused, on every route and method."""
    forbidden_but_allowed, allowed_but_refused = [], []
    browser = browser_for(desk, role)  # one signed-in session; sign-outs get their own
    for route in checked_routes():
        for method, roles in expected_rules(route).items():
            got = call(route, method, desk, role, browser)
            if got and role not in roles:
                forbidden_but_allowed.append(f"{method} {route.name}")
            elif not got and role in roles:
                allowed_but_refused.append(f"{method} {route.name}")
    for (model_label, action), roles in ADMIN_ACTIONS.items():
        got = action_allowed(model_label, action, desk, browser)
        if got and role not in roles:
            forbidden_but_allowed.append(f"action {action} on {model_label}")
        elif not got and role in roles:
            allowed_but_refused.append(f"action {action} on {model_label}")
    assert forbidden_but_allowed == [], f"{role} may do what the table forbids: {forbidden_but_allowed}"
    assert allowed_but_refused == [], f"{role} is refused what the table allows: {allowed_but_refused}"
