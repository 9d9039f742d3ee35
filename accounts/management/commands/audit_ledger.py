from django.core.management.base import BaseCommand, CommandError

from accounts.services.audit import ledger_audit
from margin_project.money import plain


class Command(BaseCommand):
    help = "Prove the ledger: every transaction sums to zero per asset and every balance equals its legs."

    def handle(self, *args, **options):
        report = ledger_audit()
        for txn_id, symbol, total in report.unbalanced_transactions:
            self.stdout.write(f"UNBALANCED transaction #{txn_id} {symbol}: legs sum to {plain(total)}")
        for account_id, symbol, balance, legs_sum in report.balance_mismatches:
            self.stdout.write(
                f"MISMATCH ledger account #{account_id} {symbol}: balance {plain(balance)} "
                f"!= legs {plain(legs_sum)} (difference {plain(balance - legs_sum)})"
            )
        for symbol, total in report.asset_totals.items():
            if total:
                self.stdout.write(f"NONZERO total of all {symbol} balances: {plain(total)}")
        summary = (
            f"{report.transactions_checked} transactions, {report.accounts_checked} ledger accounts checked"
        )
        if not report.ok:
            raise CommandError(f"Ledger audit FAILED: {summary}")
        self.stdout.write(self.style.SUCCESS(f"Ledger balanced: {summary}"))
