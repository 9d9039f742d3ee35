"""django-filter sets of the customer's records: one definition for the web pages and the API.

``LedgerFilter`` filters the ledger for both the history page (which then shows one row per
action) and ``/api/v1/account/ledger/`` (one row per leg); pass ``asset_choices`` to offer
only the assets the customer holds, as the web page does.
"""

from __future__ import annotations

from datetime import UTC

import django_filters as filters
from django import forms
from django_filters.fields import IsoDateTimeField

from accounts.models import InterestAccrual, LedgerLeg, MarginAccount, Notification
from accounts.models.ledger import CUSTOMER_KINDS, TransactionKind
from accounts.models.margin_account import MarginStatus
from risk.models import MarginCall


class _BoundedIsoDateTimeField(IsoDateTimeField):
    """ISO 8601, turned into UTC here: a far-off offset is a 400, not an overflow in the query."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        except OverflowError:
            raise forms.ValidationError("Date and time out of range.", code="invalid") from None
        if not 1900 <= utc.year <= 9000:
            raise forms.ValidationError("Date and time out of range.", code="invalid")
        return utc


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = _BoundedIsoDateTimeField


def _symbol(queryset, name, value):
    return queryset.filter(**{name: value.strip().upper()})


# What a customer's ledger shows: their own kinds of transaction (not the house's funding).
CUSTOMER_TRANSACTION_KINDS = [(k.value, k.label) for k in TransactionKind if k != TransactionKind.FUNDING]


class LedgerFilter(filters.FilterSet):
    asset = filters.CharFilter(field_name="asset__symbol", method=_symbol, max_length=16)
    kind = filters.ChoiceFilter(field_name="transaction__kind", choices=TransactionKind.choices)
    account = filters.ChoiceFilter(
        field_name="account__kind", choices=[(k.value, k.label) for k in CUSTOMER_KINDS]
    )
    created_after = DateTimeFilter(field_name="transaction__created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="transaction__created_at", lookup_expr="lt")

    class Meta:
        model = LedgerLeg
        fields = ["asset", "kind", "account", "created_after", "created_before"]

    def __init__(self, *args, asset_choices: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if asset_choices is not None:
            # The page offers only the assets the customer holds; the filter itself is unchanged.
            choices = [("", "All assets"), *((s, s) for s in asset_choices)]
            self.filters["asset"].extra["widget"] = forms.Select(choices=choices)
            self.filters["kind"].extra["choices"] = CUSTOMER_TRANSACTION_KINDS
            self.filters["kind"].extra["empty_label"] = "All kinds"


class InterestFilter(filters.FilterSet):
    asset = filters.CharFilter(field_name="loan__asset__symbol", method=_symbol, max_length=16)
    day_after = filters.DateFilter(field_name="day", lookup_expr="gte")
    day_before = filters.DateFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = InterestAccrual
        fields = ["asset", "day_after", "day_before"]


class MarginCallFilter(filters.FilterSet):
    open = filters.BooleanFilter(
        field_name="closed_at", lookup_expr="isnull", label="Only open (true) or closed"
    )

    class Meta:
        model = MarginCall
        fields = ["open"]


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="Only unread (true) or read"
    )

    class Meta:
        model = Notification
        fields = ["unread"]


class StaffAccountFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=MarginStatus.choices)
    multi_asset_mode = filters.BooleanFilter()
    username = filters.CharFilter(field_name="user__username", lookup_expr="icontains", max_length=150)
    has_liability = filters.BooleanFilter()

    class Meta:
        model = MarginAccount
        fields = ["status", "multi_asset_mode", "username", "has_liability"]
