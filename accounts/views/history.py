"""The ledger history (filtered by asset and kind, paginated), one transaction, interest charges."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views import View

from accounts.forms import LedgerFilterForm
from accounts.models import LedgerTransaction
from accounts.models.ledger import TransactionKind
from accounts.selectors import interest_history, ledger_history
from accounts.web.access import CustomerRequiredMixin

PAGE_SIZE = 25


class LedgerHistoryView(CustomerRequiredMixin, View):
    template_name = "accounts/history/ledger.html"

    def get(self, request):
        form = LedgerFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        legs = ledger_history(
            user=request.user, asset=filters.get("asset") or None, kind=filters.get("kind") or None
        )
        page = Paginator(legs, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(request, self.template_name, {"form": form, "page": page, "query": query.urlencode()})


class TransactionDetailView(CustomerRequiredMixin, View):
    """One ledger transaction: only the customer's own legs of one of their transactions."""

    template_name = "accounts/history/transaction.html"

    def get(self, request, pk: int):
        own = LedgerTransaction.objects.filter(legs__account__owner=request.user).distinct()
        txn = get_object_or_404(own, pk=pk)
        legs = ledger_history(user=request.user).filter(transaction=txn)
        liquidation = getattr(txn, "liquidation", None) if txn.kind == TransactionKind.LIQUIDATION else None
        return render(request, self.template_name, {"txn": txn, "legs": legs, "liquidation": liquidation})


class InterestHistoryView(CustomerRequiredMixin, View):
    template_name = "accounts/history/interest.html"

    def get(self, request):
        page = Paginator(interest_history(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"page": page})
