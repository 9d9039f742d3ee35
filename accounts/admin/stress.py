"""The stress test page: staff enter a price shock and see what it would do. Nothing is written."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from margin_project.admin.display import money, percent, status_badge
from margin_project.errors import DomainError
from margin_project.forms import add_domain_error

from ..forms.operations import StressTestForm
from ..selectors.stress import ALL_ASSETS, StressReport, stress_report


def stress_test_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> TemplateResponse:
    """GET with the form's fields runs the test (read-only, so the result can be bookmarked)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    report = None
    form = StressTestForm(request.GET if "run" in request.GET else None)
    if form.is_bound and form.is_valid():
        try:
            report = stress_report(shocks=form.shocks())
        except DomainError as error:
            add_domain_error(form, error)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Stress test: a price shock",
        "form": form,
        "report": report,
        "result": _shown(report) if report else None,
    }
    return TemplateResponse(request, "admin/risk/stress_test.html", context)


def _shown(report: StressReport) -> dict:
    """The report with every number formatted for the page."""
    shocks = [
        ("every other asset" if symbol == ALL_ASSETS else symbol, percent(shock, 4))
        for symbol, shock in report.shocks.items()
        if shock
    ]
    rows = [
        {
            "url": reverse("admin:accounts_marginaccount_change", args=[row.margin_account_id]),
            "customer": row.username,
            "before": percent(row.ratio_before),
            "status_before": status_badge(row.status_before),
            "collateral": money(row.collateral_value),
            "liability": money(row.liability),
            "after": percent(row.ratio_after),
            "status_after": status_badge(row.status_after),
            "after_liquidation": (
                percent(row.ratio_after_liquidation)
                if row.ratio_after_liquidation is not None
                else ("no liability left" if row.sales else "")
            ),
            "sales": [
                f"{money(sale.quantity)} {sale.symbol} at {money(sale.price)} = {money(sale.value)} USDT"
                for sale in row.sales
            ],
            "sold": money(row.sold_value) if row.sales else "",
            "bad_debt": money(row.bad_debt_value) if row.bad_debt_value else "",
        }
        for row in report.rows
    ]
    return {
        "shocks": shocks,
        "prices": [(symbol, money(before), money(after)) for symbol, before, after in report.moved_prices],
        "rows": rows,
        "assessed": report.accounts_assessed,
        "margin_calls": report.margin_call_count,
        "liquidations": report.liquidation_count,
        "sold_by_asset": [(symbol, money(value)) for symbol, value in report.sold_value_by_asset.items()],
        "sold": money(report.sold_value),
        "bad_debt": money(report.bad_debt_value),
        "bad_debt_by_asset": [
            (symbol, money(value)) for symbol, value in report.bad_debt_value_by_asset.items()
        ],
        "not_assessed": report.not_assessed,
        "stale": sorted(report.stale),
    }
