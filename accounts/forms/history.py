"""Filters of the ledger history."""

from django import forms

from accounts.models.ledger import TransactionKind
from risk.models import Asset


class LedgerFilterForm(forms.Form):
    asset = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *TransactionKind.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        symbols = Asset.objects.order_by("symbol").values_list("symbol", flat=True)
        self.fields["asset"].choices = [("", "All assets"), *((s, s) for s in symbols)]
