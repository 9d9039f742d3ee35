"""The account summary as the API shows it (customer's own, or any account for staff)."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from accounts.selectors import AccountSummary
from margin_project.api.fields import DecimalString


class ThresholdsSerializer(serializers.Serializer):
    borrow = DecimalString()
    transfer_out = DecimalString()
    margin_call = DecimalString()
    liquidation = DecimalString()
    target = DecimalString()
    liquidation_fee = DecimalString()


class BalanceSerializer(serializers.Serializer):
    asset = serializers.CharField()
    spot = DecimalString()
    margin = DecimalString()
    price = DecimalString(allow_null=True, help_text="USDT per unit; null when no price is known.")
    collateral_value = DecimalString(help_text="What the margin balance counts as collateral (USDT).")


class LoanSerializer(serializers.Serializer):
    asset = serializers.CharField()
    principal = DecimalString()
    interest = DecimalString()
    daily_rate = DecimalString()
    value = DecimalString(help_text="(principal + interest) x price, USDT.")


class BorrowableSerializer(serializers.Serializer):
    asset = serializers.CharField()
    amount = DecimalString()
    limited_by = serializers.CharField(
        help_text="What caps it: margin_ratio, borrow_limit, not_borrowable or multi_asset_mode_off."
    )


class TransferableSerializer(serializers.Serializer):
    asset = serializers.CharField()
    amount = DecimalString()


class AccountSummarySerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    multi_asset_mode = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["healthy", "margin_call", "liquidation"])
    collateral_value = DecimalString(help_text="USDT.")
    liability = DecimalString(help_text="USDT.")
    margin_ratio = DecimalString(
        allow_null=True, help_text="Collateral value / liability as a fraction (1.25 = 125%); null: no debt."
    )
    thresholds = ThresholdsSerializer()
    balances = BalanceSerializer(many=True)
    loans = LoanSerializer(many=True)
    max_borrowable = BorrowableSerializer(many=True)
    max_transferable = TransferableSerializer(many=True)
    stale_prices = serializers.ListField(child=serializers.CharField())


def summary_data(summary: AccountSummary) -> dict:
    """Plain data for ``AccountSummarySerializer``."""
    account = summary.margin_account
    rows = {row.symbol: row for row in summary.valuation.rows}
    terms = summary.market.terms
    symbols = sorted(set(summary.wallets) | set(rows))
    zero = Decimal(0)
    t = summary.thresholds
    mode_off = not account.multi_asset_mode
    return {
        "user_id": account.user_id,
        "username": account.user.username,
        "multi_asset_mode": account.multi_asset_mode,
        "status": str(summary.status),
        "collateral_value": summary.valuation.collateral_value,
        "liability": summary.valuation.liability,
        "margin_ratio": summary.valuation.margin_ratio,
        "thresholds": {
            "borrow": t.borrow,
            "transfer_out": t.transfer_out,
            "margin_call": t.margin_call,
            "liquidation": t.liquidation,
            "target": t.target,
            "liquidation_fee": t.liquidation_fee,
        },
        "balances": [
            {
                "asset": symbol,
                "spot": summary.wallets.get(symbol, {}).get("spot", zero),
                "margin": summary.wallets.get(symbol, {}).get("margin", zero),
                "price": terms[symbol].price if symbol in terms else None,
                "collateral_value": rows[symbol].collateral_value if symbol in rows else zero,
            }
            for symbol in symbols
        ],
        "loans": [
            {
                "asset": line.symbol,
                "principal": line.principal,
                "interest": line.interest,
                "daily_rate": line.daily_rate,
                "value": line.value,
            }
            for line in summary.loans
        ],
        "max_borrowable": [
            {
                "asset": symbol,
                "amount": zero if mode_off else limit.amount,
                "limited_by": "multi_asset_mode_off" if mode_off else limit.limited_by,
            }
            for symbol, limit in sorted(summary.max_borrowable.items())
        ],
        "max_transferable": [
            {"asset": symbol, "amount": amount} for symbol, amount in sorted(summary.max_transferable.items())
        ],
        "stale_prices": sorted(summary.stale_symbols),
    }
