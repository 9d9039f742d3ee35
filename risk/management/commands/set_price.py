"""Record a price by hand (a price that moves the live price triggers a sweep of exposed accounts)."""

from django.core.management.base import BaseCommand, CommandError

from margin_project.errors import DomainError
from margin_project.money import plain
from risk.services import price_observe


class Command(BaseCommand):
    help = (
        "Report the latest price of an asset in the quote asset, e.g. set_price BTC 58000.5. "
        "A move beyond the sanity band is held until a second source or staff member confirms it."
    )

    def add_arguments(self, parser):
        parser.add_argument("symbol")
        parser.add_argument("price")
        parser.add_argument("--source", default="manual")

    def handle(self, *args, **options):
        try:
            outcome = price_observe(asset=options["symbol"], price=options["price"], source=options["source"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        live = outcome.live
        if outcome.hold is not None:
            self.stdout.write(f"{outcome.asset.symbol}: {outcome.observation.note}")
        elif live is not None:
            self.stdout.write(f"{live.asset.symbol} = {plain(live.price)} ({live.source})")
