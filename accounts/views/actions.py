"""Transfer, borrow and repay: fill in, preview the ratio after, confirm once.

Each page is two steps. "Preview" parses the form and asks ``action_preview`` what the
margin ratio would become (nothing is written) and issues a one-time token. "Confirm"
sends the same fields with the token; the service runs and the token is spent in one
transaction, so a double click or a re-post does nothing the second time.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from accounts.forms import BorrowForm, RepayForm, TransferForm
from accounts.forms.actions import ActionForm
from accounts.selectors import AccountSummary, account_summary, action_preview, margin_account_for
from accounts.services import Direction, loan_borrow, loan_repay, transfer
from accounts.web.access import CustomerRequiredMixin
from accounts.web.errors import form_error_add
from accounts.web.once import FormTokenSpent, form_token_issue, form_token_run_once
from margin_project.errors import DomainError
from margin_project.money import plain
from risk import engine
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

    def preview_action(self, form: ActionForm) -> str:
        return self.purpose

    def preview_amount(self, form: ActionForm, summary: AccountSummary) -> Decimal | None:
        return form.cleaned_data.get("amount_value")

    def perform(self, form: ActionForm) -> str:
        """Call the service; return the message to show."""
        raise NotImplementedError

    def limits(self, summary: AccountSummary) -> dict[str, dict[str, str]]:
        """Amounts the "max" button fills in, per mode then per symbol (as exact text)."""
        return {}

    def aside_rows(self, summary: AccountSummary) -> list[dict]:
        """The table beside the form (balances, limits or loans)."""
        return []

    # --- the two steps --------------------------------------------------------------
    def get(self, request):
        summary = account_summary(margin_account=margin_account_for(request.user))
        initial = {k: request.GET[k] for k in ("asset", "amount", "direction") if request.GET.get(k)}
        form = self.form_class(initial=initial, assets=self.assets(summary))
        return self.render_page(request, form, summary)

    def post(self, request):
        summary = account_summary(margin_account=margin_account_for(request.user))
        form = self.form_class(request.POST, assets=self.assets(summary))
        if not form.is_valid():
            return self.render_page(request, form, summary)
        if request.POST.get("step") == "confirm":
            return self.confirm(request, form, summary)
        return self.preview(request, form, summary)

    def preview(self, request, form: ActionForm, summary: AccountSummary):
        amount = self.preview_amount(form, summary)
        if amount is None:
            form.add_error("amount", "Enter an amount.")
            return self.render_page(request, form, summary)
        try:
            preview = action_preview(
                margin_account=summary.margin_account,
                action=self.preview_action(form),
                asset=form.chosen_asset.symbol,
                amount=amount,
            )
        except DomainError as error:
            form_error_add(form, error)
            return self.render_page(request, form, summary)
        token = form_token_issue(request, self.purpose)
        return self.render_page(request, form, summary, preview=preview, amount=amount, token=token)

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
        preview = extra.get("preview")
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
            "status_after": str(preview.status_after) if preview else None,
            **extra,
        }
        return render(request, self.template_name, context)


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
        transfer(
            user=self.request.user,
            asset=form.chosen_asset.symbol,
            amount=data["amount_value"],
            direction=data["direction"],
        )
        where = "spot to margin" if data["direction"] == Direction.TO_MARGIN else "margin to spot"
        return f"Moved {plain(data['amount_value'])} {form.chosen_asset.symbol} from {where}."

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
        symbol = form.chosen_asset.symbol
        return (
            f"Borrowed {plain(result.amount)} {symbol} into your margin wallet; "
            f"the first day's interest, {plain(result.interest_charged)} {symbol}, was charged."
        )

    def aside_rows(self, summary):
        terms = summary.market.terms
        return [
            {"symbol": s, "amount": b.amount, "daily_rate": terms[s].daily_rate}
            for s, b in sorted(summary.max_borrowable.items())
        ]

    def limits(self, summary):
        return {"borrow": {s: plain(b.amount) for s, b in summary.max_borrowable.items()}}


class RepayView(ActionView):
    form_class = RepayForm
    template_name = "accounts/actions/repay.html"
    purpose = "repay"
    title = "Repay"
    verb = "Repay"

    def assets(self, summary):
        return [summary.market.assets[loan.symbol] for loan in summary.loans]

    def preview_amount(self, form, summary):
        position = summary.positions.get(form.chosen_asset.symbol, engine.Position(form.chosen_asset.symbol))
        return form.amount_for(position.owed)

    def perform(self, form):
        data = form.cleaned_data
        result = loan_repay(
            user=self.request.user,
            asset=form.chosen_asset.symbol,
            amount=data.get("amount_value"),
            repay_all=bool(data.get("repay_all")),
        )
        symbol = form.chosen_asset.symbol
        total = result.interest_paid + result.principal_paid
        return (
            f"Repaid {plain(total)} {symbol}: {plain(result.interest_paid)} interest, "
            f"{plain(result.principal_paid)} principal."
        )

    def aside_rows(self, summary):
        return [
            {
                "symbol": loan.symbol,
                "principal": loan.principal,
                "interest": loan.interest,
                "margin": summary.wallets.get(loan.symbol, {}).get("margin", Decimal(0)),
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
