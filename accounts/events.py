"""The accounts app's business events: payload builders and the one-line recorders services call.

Builders are pure functions of the records (no query beyond the records' own relations),
so the sweep and the accrual can build payloads for whole batches. Recorders write the
event in the caller's transaction (``margin_project.events.services.event_record``).
The payloads follow ``margin_project.events.catalog``; the tests check every builder
against it.
"""

from __future__ import annotations

from decimal import Decimal

from margin_project.events import sql as event_sql
from margin_project.events.catalog import Types
from margin_project.events.services import EventDraft, event_record, events_record_bulk, events_record_select
from margin_project.money import plain


def _dec(value) -> str | None:
    return None if value is None else plain(Decimal(value))


# --- builders ------------------------------------------------------------------------------


def loan_borrowed_payload(*, loan, transaction, amount: Decimal, interest: Decimal) -> dict:
    return {
        "loan_id": loan.pk,
        "transaction_id": transaction.pk,
        "asset": loan.asset.symbol,
        "amount": _dec(amount),
        "interest_charged": _dec(interest),
        "principal": _dec(loan.principal),
        "interest": _dec(loan.interest),
    }


def loan_repaid_payload(*, loan, transaction, interest_paid: Decimal, principal_paid: Decimal) -> dict:
    return {
        "loan_id": loan.pk,
        "transaction_id": transaction.pk,
        "asset": loan.asset.symbol,
        "amount": _dec(interest_paid + principal_paid),
        "interest_paid": _dec(interest_paid),
        "principal_paid": _dec(principal_paid),
        "principal": _dec(loan.principal),
        "interest": _dec(loan.interest),
    }


def interest_charged_payload(accrual) -> dict:
    """One ``InterestAccrual`` (the set-based form is ``interest_charged_select_sql``)."""
    return {
        "loan_id": accrual.loan_id,
        "transaction_id": accrual.transaction_id,
        "asset": accrual.loan.asset.symbol,
        "day": accrual.day.isoformat(),
        "rate": _dec(accrual.rate),
        "principal": _dec(accrual.principal),
        "amount": _dec(accrual.amount),
    }


def transfer_payload(*, transaction, asset, amount: Decimal, direction: str) -> dict:
    return {
        "transaction_id": transaction.pk,
        "asset": asset.symbol,
        "amount": _dec(amount),
        "direction": str(direction),
    }


def deposit_payload(*, transaction, asset, amount: Decimal) -> dict:
    return {
        "transaction_id": transaction.pk,
        "asset": asset.symbol,
        "amount": _dec(amount),
        "reference": (transaction.reference or "").removeprefix("deposit:"),
    }


def withdrawal_payload(*, transaction, asset, amount: Decimal, destination: str) -> dict:
    return {
        "transaction_id": transaction.pk,
        "asset": asset.symbol,
        "amount": _dec(amount),
        "destination": (destination or "")[:100],
    }


def margin_mode_payload(margin_account) -> dict:
    return {"multi_asset_mode": bool(margin_account.multi_asset_mode)}


def status_changed_payload(change) -> dict:
    """A ``risk.StatusChange``: the sweep's record of a new margin level status."""
    return {
        "from_status": change.from_status,
        "to_status": change.to_status,
        "margin_ratio": _dec(change.margin_ratio),
    }


def margin_call_opened_payload(call) -> dict:
    return {"margin_call_id": call.pk, "ratio_at_open": _dec(call.ratio_at_open)}


def margin_call_closed_payload(call) -> dict:
    return {
        "margin_call_id": call.pk,
        "ratio_at_open": _dec(call.ratio_at_open),
        "lowest_ratio": _dec(call.lowest_ratio),
        "ratio_at_close": _dec(call.ratio_at_close),
        "close_reason": call.close_reason,
    }


def liquidation_line_payload(line) -> dict:
    return {
        "position": line.position,
        "kind": line.kind,
        "asset": line.asset.symbol,
        "quantity": _dec(line.quantity),
        "price": _dec(line.price),
        "fee_quantity": _dec(line.fee_quantity),
        "interest": _dec(line.interest),
        "principal": _dec(line.principal),
        "value": _dec(line.value),
        "from_sale_of": line.from_sale_of.symbol if line.from_sale_of_id else None,
    }


def liquidation_payload(liquidation, lines=None) -> dict:
    """A ``risk.Liquidation`` with its lines, as the customer's liquidation page explains it.

    ``lines`` may be passed when the caller holds them (the batch sweep); else they are read.
    """
    if lines is None:
        lines = liquidation.lines.select_related("asset", "from_sale_of").order_by("position")
    return {
        "liquidation_id": liquidation.pk,
        "margin_call_id": liquidation.margin_call_id,
        "transaction_id": liquidation.transaction_id,
        "ratio_before": _dec(liquidation.ratio_before),
        "ratio_after": _dec(liquidation.ratio_after),
        "collateral_value_before": _dec(liquidation.collateral_value_before),
        "liability_before": _dec(liquidation.liability_before),
        "fee_value": _dec(liquidation.fee_value),
        "bad_debt_value": _dec(liquidation.bad_debt_value),
        "lines": [liquidation_line_payload(line) for line in sorted(lines, key=lambda x: x.position)],
    }


# --- the sweep's and the accrual's events, for whole batches --------------------------------


def status_changed_draft(change) -> EventDraft:
    return EventDraft(
        Types.MARGIN_STATUS_CHANGED, change.margin_account_id, status_changed_payload(change), change.at
    )


def margin_call_opened_draft(call) -> EventDraft:
    return EventDraft(
        Types.MARGIN_CALL_OPENED, call.margin_account_id, margin_call_opened_payload(call), call.opened_at
    )


def margin_call_closed_draft(call) -> EventDraft:
    return EventDraft(
        Types.MARGIN_CALL_CLOSED, call.margin_account_id, margin_call_closed_payload(call), call.closed_at
    )


def liquidation_draft(liquidation, lines=None) -> EventDraft:
    return EventDraft(
        Types.LIQUIDATION_EXECUTED,
        liquidation.margin_account_id,
        liquidation_payload(liquidation, lines),
        liquidation.created_at,
    )


def sweep_events_record(*, status_changes=(), opened=(), liquidations=(), closed=(), lines=None) -> list:
    """A sweep batch's events in one bulk insert, in the order things happened to each account:
    status change (into margin call or liquidation), margin call opened, liquidation, margin
    call closed, status change (back to healthy).

    Takes the records the batch wrote (``StatusChange``, ``MarginCall``, ``Liquidation``
    rows with their pks); ``lines`` optionally maps a liquidation's pk to its lines
    (else they are read, one query per liquidation).
    """
    lines = lines or {}
    steps = [
        *(
            (
                change.margin_account_id,
                4 if change.to_status == "healthy" else 0,
                status_changed_draft(change),
            )
            for change in status_changes
        ),
        *((call.margin_account_id, 1, margin_call_opened_draft(call)) for call in opened),
        *((x.margin_account_id, 2, liquidation_draft(x, lines.get(x.pk))) for x in liquidations),
        *((call.margin_account_id, 3, margin_call_closed_draft(call)) for call in closed),
    ]
    steps.sort(key=lambda step: step[:2])
    return events_record_bulk(events=[draft for _, _, draft in steps])


def sweep_events_record_for(*, account_ids, at, liquidation_ids=()) -> list:
    """The events of what a sweep wrote at ``at`` for these accounts, read back and written in one
    insert (the batch sweep's one call, at the end of its transaction): status changes and
    margin calls stamped ``at``, and the liquidations it posted (``liquidation_ids``).
    """
    from risk.models import Liquidation, LiquidationLine, MarginCall, StatusChange

    account_ids = list(account_ids)
    calls = MarginCall.objects.filter(margin_account_id__in=account_ids)
    lines: dict[int, list] = {}
    for line in LiquidationLine.objects.filter(liquidation_id__in=list(liquidation_ids)).select_related(
        "asset", "from_sale_of"
    ):
        lines.setdefault(line.liquidation_id, []).append(line)
    return sweep_events_record(
        status_changes=StatusChange.objects.filter(margin_account_id__in=account_ids, at=at).order_by("id"),
        opened=calls.filter(opened_at=at).order_by("id"),
        liquidations=Liquidation.objects.filter(pk__in=list(liquidation_ids)).order_by("id"),
        closed=calls.filter(closed_at=at).order_by("id"),
        lines=lines,
    )


def interest_charged_select_sql() -> str:
    """One row per daily ``InterestAccrual`` of the transaction ``%(txn)s``, in the shape
    ``events_record_select`` takes: the nightly accrual's events, set-based."""
    payload = event_sql.json_object(
        {
            "loan_id": "x.loan_id",
            "transaction_id": "x.transaction_id",
            "asset": "a.symbol",
            "day": event_sql.date_text("x.day"),
            "rate": event_sql.decimal_text("x.rate"),
            "principal": event_sql.decimal_text("x.principal"),
            "amount": event_sql.decimal_text("x.amount"),
        }
    )
    return f"""
        SELECT l.margin_account_id AS account_id, x.created_at AS occurred_at, {payload} AS payload,
               x.id AS ordering
          FROM accounts_interestaccrual x
          JOIN accounts_loan l ON l.id = x.loan_id
          JOIN risk_asset a ON a.id = l.asset_id
         WHERE x.transaction_id = %(txn)s AND x.kind = 'daily'
    """


def record_interest_charged(*, transaction_id: int) -> int:
    """The accrual's events for one ledger transaction (a chunk), in one statement."""
    return events_record_select(
        type=Types.INTEREST_CHARGED, select_sql=interest_charged_select_sql(), params={"txn": transaction_id}
    )


# --- recorders the services call, one line each ---------------------------------------------


def record_loan_borrowed(*, loan, transaction, amount: Decimal, interest: Decimal):
    return event_record(
        type=Types.LOAN_BORROWED,
        account_id=loan.margin_account_id,
        payload=loan_borrowed_payload(loan=loan, transaction=transaction, amount=amount, interest=interest),
        occurred_at=transaction.created_at,
    )


def record_loan_repaid(*, loan, transaction, interest_paid: Decimal, principal_paid: Decimal):
    return event_record(
        type=Types.LOAN_REPAID,
        account_id=loan.margin_account_id,
        payload=loan_repaid_payload(
            loan=loan, transaction=transaction, interest_paid=interest_paid, principal_paid=principal_paid
        ),
        occurred_at=transaction.created_at,
    )


def record_transfer(*, transaction, asset, amount: Decimal, direction: str):
    return event_record(
        type=Types.TRANSFER_COMPLETED,
        account_id=transaction.margin_account_id,
        payload=transfer_payload(transaction=transaction, asset=asset, amount=amount, direction=direction),
        occurred_at=transaction.created_at,
    )


def record_deposit_credited(*, transaction, asset, amount: Decimal):
    return event_record(
        type=Types.DEPOSIT_CREDITED,
        account_id=transaction.margin_account_id,
        payload=deposit_payload(transaction=transaction, asset=asset, amount=amount),
        occurred_at=transaction.created_at,
    )


def record_withdrawal(*, transaction, asset, amount: Decimal, destination: str):
    return event_record(
        type=Types.WITHDRAWAL_CREATED,
        account_id=transaction.margin_account_id,
        payload=withdrawal_payload(
            transaction=transaction, asset=asset, amount=amount, destination=destination
        ),
        occurred_at=transaction.created_at,
    )


def record_margin_mode_changed(margin_account):
    return event_record(
        type=Types.MARGIN_MODE_CHANGED,
        account_id=margin_account.pk,
        payload=margin_mode_payload(margin_account),
    )
