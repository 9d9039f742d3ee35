"""Transfer, borrow and repay: fill in, preview what the service would decide, confirm once.

Each page is two steps. "Preview" parses the form and asks ``action_preview``, which runs
the service's own check on today's state (nothing is written): either the margin ratio
after, with a one-time token for the Confirm button, or the refusal with the largest
amount the action allows and a way out. "Confirm" sends the same fields with the token;
the service runs and the token is spent in one transaction, so a double click or a
re-post does nothing the second time.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from accounts.forms import BorrowForm, RepayForm, RepayWithCollateralForm, TransferForm
from accounts.forms.actions import ActionForm
from accounts.selectors import AccountSummary, account_summary, action_preview, margin_account_for
from accounts.selectors.preview import Preview
from accounts.services import Direction, loan_borrow, loan_repay, loan_repay_with_collateral, transfer
from accounts.web.access import CustomerRequiredMixin
from accounts.web.errors import form_error_add
from accounts.web.once import FormTokenSpent, form_token_issue, form_token_run_once
from margin_project.errors import DomainError
from margin_project.formatting import amount_text
from margin_project.money import plain
from risk.models import Asset

ALREADY_DONE = "That confirmation was already used (or has expired), so nothing more was done."


class ActionView(CustomerRequiredMixin, View):
    form_class: type[ActionForm]
    template_name: str
    purpose: str  # names the one-time token and the page
    title: str
    verb: str

    # --- what each action defines -------------------------------------------------
    def assets(self, summary: AccountSummary) -> list[Asset]:
        raise NotImplementedError

    def form_kwargs(self, summary: AccountSummary) -> dict:
        return {"assets": self.assets(summary)}

    def preview_action(self, form: ActionForm) -> str:
        return self.purpose

    def preview_kwargs(self, form: ActionForm) -> dict:
        return {"amount": form.cleaned_data.get("amount_value")}

    def perform(self, form: ActionForm) -> str:
        """Call the service; return the message to show."""
        raise NotImplementedError

    def limits(self, summary: AccountSummary) -> dict[str, dict[str, str]]:
        """Amounts the "max" button fills in, per mode then per symbol (as exact text)."""
        return {}

    def aside_rows(self, summary: AccountSummary) -> list[dict]:
        """The table beside the form (balances, limits or loans)."""
        return []

    def ways_out(self, form: ActionForm, preview: Preview, summary: AccountSummary) -> list[dict]:
        """Links that fix a refusal: each {"label", "href", "testid"}."""
        return []

    # --- the two steps --------------------------------------------------------------
    def get(self, request):
        summary = account_summary(margin_account=margin_account_for(request.user))
        keys = ("asset", "amount", "direction", "collateral", "repay_all")
        initial = {k: request.GET[k] for k in keys if request.GET.get(k)}
        form = self.form_class(initial=initial, **self.form_kwargs(summary))
        return self.render_page(request, form, summary)

    def post(self, request):
        summary = account_summary(margin_account=margin_account_for(request.user))
        form = self.form_class(request.POST, **self.form_kwargs(summary))
        if not form.is_valid():
            return self.render_page(request, form, summary)
        if request.POST.get("step") == "confirm":
            return self.confirm(request, form, summary)
        return self.preview(request, form, summary)

    def preview(self, request, form: ActionForm, summary: AccountSummary):
        try:
            preview = action_preview(
                margin_account=summary.margin_account,
                action=self.preview_action(form),
                asset=form.chosen_asset.symbol,
                **self.preview_kwargs(form),
            )
        except DomainError as error:
            form_error_add(form, error)
            return self.render_page(request, form, summary)
        if not preview.allowed:
            # No token, no Confirm: the page shows the refusal and what would work instead.
            return self.render_page(
                request, form, summary, preview=preview, ways_out=self.ways_out(form, preview, summary)
            )
        token = form_token_issue(request, self.purpose)
        return self.render_page(request, form, summary, preview=preview, token=token)

    def confirm(self, request, form: ActionForm, summary: AccountSummary):
        try:
            message = form_token_run_once(
                request,
                token=request.POST.get("token", ""),
                purpose=self.purpose,
                action=lambda: self.perform(form),
            )
        except FormTokenSpent:
            messages.info(request, ALREADY_DONE)
            return redirect("dashboard")
        except DomainError as error:
            form_error_add(form, error)
            return self.render_page(request, form, summary)
        messages.success(request, message)
        return redirect("dashboard")

    def render_page(self, request, form, summary: AccountSummary, **extra):
        context = {
            "form": form,
            "summary": summary,
            "thresholds": summary.thresholds,
            "limits": self.limits(summary),
            "rows": self.aside_rows(summary),
            "purpose": self.purpose,
            "title": self.title,
            "verb": self.verb,
            "multi_asset_mode": summary.margin_account.multi_asset_mode,
            "hidden_fields": _hidden_fields(form),
            **extra,
        }
        preview = extra.get("preview")
        if preview is not None and preview.offer_largest:
            # The largest allowed amount, one click away: the same form with that amount.
            context["largest_fields"] = [
                (name, value)
                for name, value in context["hidden_fields"]
                if name not in ("amount", "repay_all")
            ] + [("amount", plain(preview.largest))]
        return render(request, self.template_name, context)


def _hidden_fields(form: ActionForm) -> list[tuple[str, str]]:
    """The form's submitted values (for the confirm form and the "change" link)."""
    if not form.is_bound:
        return []
    fields = []
    for field in form:
        value = field.value()
        if field.name == "repay_all":
            if value:
                fields.append((field.html_name, "on"))
            continue
        fields.append((field.html_name, "" if value is None else str(value)))
    return fields


def _link(path: str, **params) -> str:
    return f"{path}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


class TransferView(ActionView):
    form_class = TransferForm
    template_name = "accounts/actions/transfer.html"
    purpose = "transfer"
    title = "Transfer"
    verb = "Transfer"

    def assets(self, summary):
        held = {s for s, w in summary.wallets.items() if w["spot"] > 0 or w["margin"] > 0}
        return [a for s, a in sorted(summary.market.assets.items()) if s in held]

    def preview_action(self, form):
        return form.cleaned_data["direction"]

    def perform(self, form):
        data = form.cleaned_data
        result = transfer(
            user=self.request.user,
            asset=form.chosen_asset.symbol,
            amount=data["amount_value"],
            direction=data["direction"],
        )
        where = "spot to margin" if result.direction == Direction.TO_MARGIN else "margin to spot"
        return f"Moved {amount_text(result.amount)} {result.asset} from {where}."

    def aside_rows(self, summary):
        return [
            {
                "symbol": s,
                "spot": w["spot"],
                "margin": w["margin"],
                "max_out": summary.max_transferable.get(s),
            }
            for s, w in sorted(summary.wallets.items())
            if w["spot"] or w["margin"]
        ]

    def limits(self, summary):
        return {
            Direction.TO_MARGIN.value: {
                s: plain(w["spot"]) for s, w in summary.wallets.items() if w["spot"] > 0
            },
            Direction.TO_SPOT.value: {s: plain(v) for s, v in summary.max_transferable.items()},
        }


class BorrowView(ActionView):
    form_class = BorrowForm
    template_name = "accounts/actions/borrow.html"
    purpose = "borrow"
    title = "Borrow"
    verb = "Borrow"

    def assets(self, summary):
        return [summary.market.assets[s] for s in sorted(summary.max_borrowable)]

    def perform(self, form):
        result = loan_borrow(
            user=self.request.user, asset=form.chosen_asset.symbol, amount=form.cleaned_data["amount_value"]
        )
        symbol = result.loan.asset.symbol
        return (
            f"Borrowed {amount_text(result.amount)} {symbol} into your margin wallet; "
            f"the first day's interest, {amount_text(result.interest_charged)} {symbol}, was charged."
        )

    def aside_rows(self, summary):
        terms = summary.market.terms
        return [
            {"symbol": s, "amount": b.amount, "limited_by": b.limited_by, "daily_rate": terms[s].daily_rate}
            for s, b in sorted(summary.max_borrowable.items())
        ]

    def limits(self, summary):
        return {"borrow": {s: plain(b.amount) for s, b in summary.max_borrowable.items()}}


def _collateral_to_sell(summary: AccountSummary, owed: str) -> list[Asset]:
    """Margin holdings that could be sold to repay ``owed``: collateral first, largest value first."""
    rows = sorted(
        (row for row in summary.valuation.rows if row.margin > 0 and row.symbol != owed),
        key=lambda row: (-row.collateral_value, row.symbol),
    )
    return [summary.market.assets[row.symbol] for row in rows]


class RepayView(ActionView):
    form_class = RepayForm
    template_name = "accounts/actions/repay.html"
    purpose = "repay"
    title = "Repay"
    verb = "Repay"

    def assets(self, summary):
        return [summary.market.assets[loan.symbol] for loan in summary.loans]

    def preview_kwargs(self, form):
        repay_all = bool(form.cleaned_data.get("repay_all"))
        return {
            "amount": None if repay_all else form.cleaned_data.get("amount_value"),
            "repay_all": repay_all,
        }

    def perform(self, form):
        data = form.cleaned_data
        result = loan_repay(
            user=self.request.user,
            asset=form.chosen_asset.symbol,
            amount=data.get("amount_value"),
            repay_all=bool(data.get("repay_all")),
        )
        total = result.interest_paid + result.principal_paid
        return (
            f"Repaid {amount_text(total)} {result.asset}: {amount_text(result.interest_paid)} interest, "
            f"{amount_text(result.principal_paid)} principal."
        )

    def ways_out(self, form, preview, summary):
        """Short of the asset in margin: move it from spot, or sell collateral for the rest."""
        if not preview.shortfall:
            return []
        symbol = preview.asset
        repay_all = bool(form.cleaned_data.get("repay_all"))
        ways = []
        if preview.spot > 0:
            move = min(preview.spot, preview.shortfall)
            ways.append(
                {
                    "label": f"Move {amount_text(move)} {symbol} from your spot wallet to margin"
                    + ("" if move == preview.shortfall else " (all you hold there; still short)"),
                    "href": _link("/transfer/", direction="to_margin", asset=symbol, amount=plain(move)),
                    "testid": "way-out-transfer",
                }
            )
        sellable = _collateral_to_sell(summary, symbol)
        if sellable:
            ways.append(
                {
                    "label": f"Repay with collateral: sell {sellable[0].symbol} (or another asset) "
                    f"for the {amount_text(preview.shortfall)} {symbol} you lack",
                    "href": _link(
                        "/repay/collateral/",
                        asset=symbol,
                        collateral=sellable[0].symbol,
                        repay_all="on" if repay_all else None,
                        amount=None if repay_all else plain(preview.amount),
                    ),
                    "testid": "way-out-collateral",
                }
            )
        return ways

    def aside_rows(self, summary):
        return [
            {
                "symbol": loan.symbol,
                "principal": loan.principal,
                "interest": loan.interest,
                "owed": loan.principal + loan.interest,
                "margin": summary.wallets.get(loan.symbol, {}).get("margin", Decimal(0)),
                "spot": summary.wallets.get(loan.symbol, {}).get("spot", Decimal(0)),
            }
            for loan in summary.loans
        ]

    def limits(self, summary):
        margin = {s: w["margin"] for s, w in summary.wallets.items()}
        return {
            "repay": {
                loan.symbol: plain(min(loan.principal + loan.interest, margin.get(loan.symbol, Decimal(0))))
                for loan in summary.loans
            },
            "owed": {loan.symbol: plain(loan.principal + loan.interest) for loan in summary.loans},
        }


class RepayWithCollateralView(RepayView):
    form_class = RepayWithCollateralForm
    template_name = "accounts/actions/repay_collateral.html"
    purpose = "repay_collateral"
    title = "Repay with collateral"
    verb = "Repay"

    def form_kwargs(self, summary):
        owed = self.request.POST.get("asset") or self.request.GET.get("asset") or ""
        return {"assets": self.assets(summary), "collateral": _collateral_to_sell(summary, owed.upper())}

    def preview_kwargs(self, form):
        return {**super().preview_kwargs(form), "collateral": form.cleaned_data["collateral"]}

    def perform(self, form):
        data = form.cleaned_data
        result = loan_repay_with_collateral(
            user=self.request.user,
            asset=form.chosen_asset.symbol,
            collateral=data["collateral"],
            amount=data.get("amount_value"),
            repay_all=bool(data.get("repay_all")),
        )
        total = result.interest_paid + result.principal_paid
        return (
            f"Repaid {amount_text(total)} {result.asset}, selling {amount_text(result.sold)} "
            f"{result.collateral} at the oracle price"
            + (f" (fee {amount_text(result.fee)} {result.collateral})." if result.fee else " (no fee).")
        )

    def ways_out(self, form, preview, summary):
        return []
