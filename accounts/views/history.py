"""History: one row per action (filtered by the same FilterSet as the API), one action's legs,
interest charges with totals, and CSV exports with the USDT value at the time of each row."""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View

from accounts.filtersets import InterestFilter, LedgerFilter
from accounts.models import LedgerTransaction
from accounts.models.ledger import TransactionKind
from accounts.selectors import interest_history, ledger_history
from accounts.selectors.history import (
    action_describe,
    action_rows,
    held_assets,
    history_actions,
    history_csv_rows,
    interest_csv_rows,
    interest_totals,
)
from accounts.web.access import CustomerRequiredMixin

PAGE_SIZE = 25


def _ledger_filter(request) -> LedgerFilter:
    return LedgerFilter(
        request.GET or None,
        queryset=ledger_history(user=request.user),
        asset_choices=held_assets(user=request.user),
    )


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class LedgerHistoryView(CustomerRequiredMixin, View):
    """One row per action (a borrow, a repayment, a transfer, a day's interest, a liquidation)."""

    template_name = "accounts/history/ledger.html"

    def get(self, request):
        filterset = _ledger_filter(request)
        legs = (
            filterset.qs if filterset.is_bound and filterset.is_valid() else ledger_history(user=request.user)
        )
        page = Paginator(history_actions(user=request.user, legs=legs), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            self.template_name,
            {
                "filter": filterset,
                "form": filterset.form,
                "page": page,
                "rows": action_rows(page.object_list),
                "query": _query_without_page(request),
                "totals": interest_totals(user=request.user),
            },
        )


class LedgerExportView(CustomerRequiredMixin, View):
    """The filtered history as CSV: each leg with its price and USDT value at the time."""

    def get(self, request):
        filterset = _ledger_filter(request)
        legs = (
            filterset.qs if filterset.is_bound and filterset.is_valid() else ledger_history(user=request.user)
        )
        stamp = timezone.now().strftime("%Y%m%d")
        return csv_response(history_csv_rows(user=request.user, legs=legs), f"history-{stamp}.csv")


class TransactionDetailView(CustomerRequiredMixin, View):
    """One action: only the customer's own legs of one of their transactions."""

    template_name = "accounts/history/transaction.html"

    def get(self, request, pk: int):
        own = LedgerTransaction.objects.filter(legs__account__owner=request.user).distinct()
        txn = get_object_or_404(own, pk=pk)
        legs = list(ledger_history(user=request.user).filter(transaction=txn).order_by("id"))
        liquidation = getattr(txn, "liquidation", None) if txn.kind == TransactionKind.LIQUIDATION else None
        return render(
            request,
            self.template_name,
            {
                "txn": txn,
                "legs": legs,
                "description": action_describe(txn.kind, legs),
                "liquidation": liquidation,
            },
        )


class InterestHistoryView(CustomerRequiredMixin, View):
    template_name = "accounts/history/interest.html"

    def get(self, request):
        filterset = InterestFilter(request.GET or None, queryset=interest_history(user=request.user))
        accruals = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        page = Paginator(accruals, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {
                "page": page,
                "totals": interest_totals(user=request.user),
                "query": _query_without_page(request),
            },
        )


class InterestExportView(CustomerRequiredMixin, View):
    def get(self, request):
        filterset = InterestFilter(request.GET or None, queryset=interest_history(user=request.user))
        accruals = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        stamp = timezone.now().strftime("%Y%m%d")
        return csv_response(interest_csv_rows(user=request.user, accruals=accruals), f"interest-{stamp}.csv")
