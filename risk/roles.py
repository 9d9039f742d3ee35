"""Staff roles: the "risk officer" and "support" groups and the permissions behind them.

``roles_ensure`` runs after every ``migrate`` (and after a test database is flushed), so a
fresh install and every test start with both groups. It is idempotent: each group's
permissions are *set* to exactly the list below, so this file is the one definition of
who may do what.

- **risk officer**: views everything, changes configuration (assets, collateral tiers,
  risk settings, schedules) and runs the manual operations (sweep, accrual, deposit
  credit, price record, confirming or rejecting a held price).
- **support**: views everything, changes nothing, except two customer-care actions:
  resetting a customer's two-factor authentication and clearing a login lockout.

Every staff interface asks for the same permission for the same action: the admin's
pages and the staff API (``margin_project.api.permissions.StaffPermission``) read the
constants below, so "who may record a price" has one answer.

Customers are not staff (``is_staff`` False), so the admin never lets them in.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

RISK_OFFICER = "risk officer"
SUPPORT = "support"

# Permissions for the manual operations; they name what is run, not a model edit.
# (app label, model, codename, name)
OPERATION_PERMISSIONS = (
    ("accounts", "marginaccount", "sweep_marginaccount", "Can queue a margin sweep"),
    ("accounts", "interestaccrual", "accrue_interestaccrual", "Can queue an interest accrual"),
    ("accounts", "ledgertransaction", "credit_deposit", "Can credit a deposit"),
    ("risk", "assetprice", "record_assetprice", "Can record a price"),
    ("risk", "pricehold", "confirm_pricehold", "Can confirm or reject a held price"),
)
# Customer care: granted to support and to risk officers (issue 11's support actions).
CARE_PERMISSIONS = (
    ("accounts", "user", "reset_two_factor", "Can reset a customer's two-factor authentication"),
    ("accounts", "user", "clear_lockout", "Can clear a customer's login lockout"),
)
# Created for every install but granted to no group: a ledger correction moves money, so
# only superusers (or a group an administrator sets up for finance) may post one.
RESTRICTED_PERMISSIONS = (
    ("accounts", "ledgertransaction", "correct_ledgertransaction", "Can post a ledger correction"),
)
SWEEP = "accounts.sweep_marginaccount"
ACCRUE = "accounts.accrue_interestaccrual"
CREDIT_DEPOSIT = "accounts.credit_deposit"
RECORD_PRICE = "risk.record_assetprice"
CONFIRM_PRICE = "risk.confirm_pricehold"  # never the staff member who recorded the held price
CORRECT_LEDGER = "accounts.correct_ledgertransaction"
RESET_TWO_FACTOR = "accounts.reset_two_factor"
CLEAR_LOCKOUT = "accounts.clear_lockout"
# Model permissions the staff API asks for, named once (the admin asks Django for the same).
VIEW_ACCOUNTS = "accounts.view_marginaccount"
ADD_ASSET = "risk.add_asset"
CHANGE_ASSET = "risk.change_asset"
ADD_TIER = "risk.add_collateraltier"
REPLACE_TIERS = (ADD_TIER, "risk.change_collateraltier", "risk.delete_collateraltier")
VIEW_RISK_SETTINGS = "risk.view_risksettings"
VIEW_PRICE_HOLDS = "risk.view_pricehold"
CHANGE_RISK_SETTINGS = "risk.change_risksettings"

# Apps whose every model staff may view (customers are ``accounts.User``).
VIEWED_APPS = ("accounts", "risk", "django_celery_beat", "events")

# What a risk officer may change, beyond viewing: configuration and schedules.
CONFIGURATION = {
    ("risk", "asset"): ("add", "change"),
    ("risk", "collateraltier"): ("add", "change", "delete"),
    ("risk", "risksettings"): ("change",),
    # The desk's own webhook endpoints: register, turn off and on, re-send deliveries.
    ("events", "webhookendpoint"): ("add", "change"),
}
SCHEDULE_ACTIONS = ("add", "change", "delete")


def roles_ensure(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Create (or bring up to date) both groups and the operation permissions."""
    Group = global_apps.get_model("auth", "Group")
    Permission = global_apps.get_model("auth", "Permission")
    ContentType = global_apps.get_model("contenttypes", "ContentType")

    # The models' own permissions may not exist yet when this runs mid-migrate.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)

    operations, care = [], []
    for row in OPERATION_PERMISSIONS + CARE_PERMISSIONS + RESTRICTED_PERMISSIONS:
        app_label, model, codename, name = row
        content_type = ContentType.objects.db_manager(using).get_by_natural_key(app_label, model)
        permission, _ = Permission.objects.using(using).update_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        if row in OPERATION_PERMISSIONS:
            operations.append(permission)
        elif row in CARE_PERMISSIONS:
            care.append(permission)

    permissions = Permission.objects.using(using).select_related("content_type")
    viewing = [
        p for p in permissions if p.content_type.app_label in VIEWED_APPS and p.codename.startswith("view_")
    ]
    changing = [
        p
        for p in permissions
        if (
            p.content_type.app_label == "django_celery_beat"
            and p.codename.split("_", 1)[0] in SCHEDULE_ACTIONS
        )
        or p.codename.split("_", 1)[0]
        in CONFIGURATION.get((p.content_type.app_label, p.content_type.model), ())
        and p.codename.endswith(f"_{p.content_type.model}")
    ]

    support, _ = Group.objects.using(using).get_or_create(name=SUPPORT)
    support.permissions.set(set(viewing) | set(care))
    officer, _ = Group.objects.using(using).get_or_create(name=RISK_OFFICER)
    officer.permissions.set(set(viewing) | set(changing) | set(operations) | set(care))
