"""Record a price by hand (it triggers a sweep of the accounts exposed to the asset)."""

from django.core.management.base import BaseCommand, CommandError

from margin_project.errors import DomainError
from margin_project.money import plain
from risk.services import price_record


class Command(BaseCommand):
    help = "Record the latest price of an asset in the quote asset, e.g. set_price BTC 58000.5"

    def add_arguments(self, parser):
        parser.add_argument("symbol")
        parser.add_argument("price")
        parser.add_argument("--source", default="manual")

    def handle(self, *args, **options):
        try:
            price = price_record(asset=options["symbol"], price=options["price"], source=options["source"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{price.asset.symbol} = {plain(price.price)} ({price.source})")
