"""Seed the demo: 34 assets with prices, tiers and rates, a staff user, customers across the risk spectrum."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import deposit_credit, loan_borrow, margin_mode_enable, transfer
from risk.demo_data import ASSETS, MARKET_MOVE
from risk.models import Asset, CollateralTier, RiskSettings
from risk.services import price_record

STAFF = ("admin", "admin-demo-pass")
# Staff in the two roles risk/roles.py creates: to see what each may do.
ROLE_STAFF = {"risk": "risk officer", "support": "support"}
CUSTOMER_PASSWORD = "demo-pass-123"

# username: (deposits to spot, moved to margin, borrows, moved back to spot)
CUSTOMERS = {
    # DESIGN's worked example: healthy at 382.5% before interest.
    "alice": ({"BTC": "1", "ADA": "10000"}, {"BTC": "1", "ADA": "10000"}, {"USDT": "20000"}, {}),
    # Borrowed USDT and took it out to spot: a 15% SOL fall puts bob in a margin call.
    "bob": ({"SOL": "100"}, {"SOL": "100"}, {"USDT": "12700"}, {"USDT": "12700"}),
    # Same with ADA: a 20% ADA fall puts carol into partial liquidation.
    "carol": ({"ADA": "100000"}, {"ADA": "100000"}, {"USDT": "19800"}, {"USDT": "19800"}),
    # Spot only, never borrowed.
    "dave": ({"BTC": "2", "USDT": "5000"}, {}, {}, {}),
    # Diversified, modest loans: healthy.
    "erin": (
        {"BTC": "0.5", "ETH": "10", "BNB": "50"},
        {"BTC": "0.5", "ETH": "10", "BNB": "50"},
        {"USDT": "15000", "BNB": "5"},
        {"USDT": "10000"},
    ),
}
# The demo's feed reports each price from two sources, so a move beyond the sanity band
# (ADA -20 %, or back to the seed price on a re-run) is confirmed and goes live at once.
DEMO_SOURCES = ("demo-seed", "demo-seed-check")


def demo_price(asset, price, observed_at=None) -> None:
    for source in DEMO_SOURCES:
        price_record(asset=asset, price=price, source=source, observed_at=observed_at)


class Command(BaseCommand):
    help = "Seed demo assets, prices, risk settings, a staff user and demo customers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-customers", action="store_true", help="Only assets and settings.")

    def handle(self, *args, **options):
        self.seed_assets()
        RiskSettings.load()
        self.seed_staff()
        if not options["no_customers"]:
            self.seed_customers()
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {Asset.objects.count()} assets."))
        self.stdout.write(
            f"  staff    {STAFF[0]} (superuser), risk, support / {STAFF[1]}  (admin at /admin/)"
        )
        self.stdout.write(f"  customers {', '.join(CUSTOMERS)} / {CUSTOMER_PASSWORD}")

    @transaction.atomic
    def seed_assets(self):
        now = timezone.now()
        for symbol, name, precision, price, tiers, collateral, borrowable, rate, priority, limit in ASSETS:
            asset, created = Asset.objects.get_or_create(
                symbol=symbol,
                defaults={
                    "name": name,
                    "precision": precision,
                    "is_collateral": collateral,
                    "is_borrowable": borrowable,
                    "daily_interest_rate": rate,
                    "liquidation_priority": priority,
                    "borrow_limit": limit,
                },
            )
            if created:
                for up_to, factor in tiers:
                    CollateralTier.objects.create(asset=asset, up_to=up_to, factor=factor)
            demo_price(asset, price, now)

    def seed_staff(self):
        user_model = get_user_model()
        if not user_model.objects.filter(username=STAFF[0]).exists():
            user_model.objects.create_superuser(STAFF[0], "admin@margin-desk.local", STAFF[1])
        for username, group in ROLE_STAFF.items():
            if not user_model.objects.filter(username=username).exists():
                user = user_model.objects.create_user(
                    username, f"{username}@margin-desk.local", STAFF[1], is_staff=True
                )
                user.groups.add(Group.objects.get(name=group))

    def seed_customers(self):
        user_model = get_user_model()
        created = 0
        for username, (deposits, to_margin, borrows, to_spot) in CUSTOMERS.items():
            if user_model.objects.filter(username=username).exists():
                continue
            created += 1
            user = user_model.objects.create_user(username, f"{username}@example.com", CUSTOMER_PASSWORD)
            for symbol, amount in deposits.items():
                deposit_credit(user=user, asset=symbol, amount=amount, reference=f"demo-{username}-{symbol}")
            for symbol, amount in to_margin.items():
                transfer(user=user, asset=symbol, amount=amount, direction="to_margin")
            if borrows:
                device = TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
                margin_mode_enable(user=user, otp_code=f"{totp(device.bin_key):06d}")
            for symbol, amount in borrows.items():
                loan_borrow(user=user, asset=symbol, amount=amount)
            for symbol, amount in to_spot.items():
                transfer(user=user, asset=symbol, amount=amount, direction="to_spot")
            # The seed's authenticator existed only to switch the mode on; a demo visitor has no
            # phone with its secret, so the customer signs in with the password and can set up
            # two-factor authentication on the web page.
            TOTPDevice.objects.filter(user=user).delete()
        if created:
            for symbol, price in MARKET_MOVE.items():
                demo_price(symbol, price)
