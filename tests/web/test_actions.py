"""Transfer, borrow, repay: preview the ratio, confirm once, refuse bad input and change nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models.ledger import AccountKind
from accounts.selectors import action_preview, margin_account_for
from accounts.services import deposit_credit, transfer
from margin_project.money import plain
from tests.helpers import balance, fund_margin, ledger_state

pytestmark = pytest.mark.django_db


def preview(client, name: str, **data):
    return client.post(reverse(name), {**data, "step": "preview"})


def confirm(client, name: str, **data):
    """Preview, then confirm with the token the preview issued (as the confirm button does)."""
    page = preview(client, name, **data)
    assert page.context["token"], page.context["form"].errors
    return client.post(reverse(name), {**data, "step": "confirm", "token": page.context["token"]})


def errors_of(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def refusal_of(response) -> str:
    """The refusal a preview shows instead of a Confirm button (which it must not show)."""
    html = response.content.decode()
    assert 'data-testid="confirm"' not in html
    assert "token" not in response.context
    preview = response.context["preview"]
    assert not preview.allowed
    return preview.refusal.message


@pytest.fixture
def spot_btc(customer):
    deposit_credit(user=customer, asset="BTC", amount="2", reference="spot-btc")
    return customer


# --- transfer -------------------------------------------------------------------------------


def test_transfer_preview_shows_the_ratio_after_and_writes_nothing(borrower_client, borrower):
    before = ledger_state()
    response = preview(borrower_client, "transfer", direction="to_spot", asset="USDT", amount="5000")
    expected = action_preview(
        margin_account=margin_account_for(borrower), action="to_spot", asset="USDT", amount=Decimal("5000")
    )
    html = response.content.decode()
    assert f'data-testid="ratio-after" data-value="{plain(expected.after.margin_ratio)}"' in html
    assert ledger_state() == before


def test_transfer_confirm_moves_the_asset(customer_client, spot_btc):
    response = confirm(customer_client, "transfer", direction="to_margin", asset="BTC", amount="1.5")
    assert response.status_code == 302
    assert balance(spot_btc, AccountKind.MARGIN, "BTC") == Decimal("1.5")
    assert balance(spot_btc, AccountKind.SPOT, "BTC") == Decimal("0.5")


def test_a_reposted_confirm_does_nothing_the_second_time(customer_client, spot_btc):
    data = {"direction": "to_margin", "asset": "BTC", "amount": "1"}
    token = preview(customer_client, "transfer", **data).context["token"]
    first = customer_client.post(reverse("transfer"), {**data, "step": "confirm", "token": token})
    assert first.status_code == 302
    after_first = ledger_state()
    second = customer_client.post(
        reverse("transfer"), {**data, "step": "confirm", "token": token}, follow=True
    )
    assert ledger_state() == after_first
    assert "already used" in second.content.decode()
    assert balance(spot_btc, AccountKind.MARGIN, "BTC") == Decimal("1")


def test_a_confirm_without_a_preview_token_does_nothing(customer_client, spot_btc):
    before = ledger_state()
    data = {"direction": "to_margin", "asset": "BTC", "amount": "1", "step": "confirm", "token": "forged"}
    response = customer_client.post(reverse("transfer"), data)
    assert response.status_code == 302
    assert ledger_state() == before


def test_a_token_is_for_one_action_only(customer_client, spot_btc):
    token = preview(customer_client, "transfer", direction="to_margin", asset="BTC", amount="1").context[
        "token"
    ]
    before = ledger_state()
    customer_client.post(
        reverse("borrow"), {"asset": "USDT", "amount": "1", "step": "confirm", "token": token}
    )
    assert ledger_state() == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "is not a decimal number"),
        ("1,5", "is not a decimal number"),
        ("-1", "greater than zero"),
        ("0", "greater than zero"),
        ("0.000000001", "at most 8 decimal places"),
        ("", "Enter an amount"),
        ("1" + "0" * 22, "too large"),
        ("1e400", "without an exponent"),
        ("NaN", "finite decimal"),
    ],
)
@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_bad_transfer_amounts_show_the_error_and_change_nothing(
    customer_client, spot_btc, amount, message, step
):
    before = ledger_state()
    data = {"direction": "to_margin", "asset": "BTC", "amount": amount, "step": step, "token": "x"}
    response = customer_client.post(reverse("transfer"), data)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert ledger_state() == before


def test_transfer_of_more_than_is_held_is_refused_in_the_preview(customer_client, spot_btc):
    before = ledger_state()
    response = preview(customer_client, "transfer", direction="to_margin", asset="BTC", amount="3")
    assert response.status_code == 200
    assert refusal_of(response) == "Not enough BTC in the spot wallet: 2 available."
    assert response.context["preview"].largest == Decimal("2")
    assert ledger_state() == before


def test_transfer_out_of_more_than_margin_holds_is_refused_in_the_preview(customer_client, customer):
    fund_margin(customer, BTC="1")
    response = preview(customer_client, "transfer", direction="to_spot", asset="BTC", amount="2")
    assert refusal_of(response) == "Not enough BTC in the margin wallet: 1 available."


def test_a_confirm_the_state_no_longer_allows_is_refused_by_the_service(customer_client, spot_btc):
    data = {"direction": "to_margin", "asset": "BTC", "amount": "2"}
    token = preview(customer_client, "transfer", **data).context["token"]
    transfer(user=spot_btc, asset="BTC", amount="1", direction="to_margin")  # elsewhere, meanwhile
    before = ledger_state()
    response = customer_client.post(reverse("transfer"), {**data, "step": "confirm", "token": token})
    assert response.status_code == 200
    assert "Not enough BTC in the spot wallet: 1 available." in errors_of(response)
    assert ledger_state() == before


def test_transfer_of_an_asset_that_is_not_collateral_is_refused(customer_client, customer):
    deposit_credit(user=customer, asset="USDC", amount="100", reference="spot-usdc")
    before = ledger_state()
    response = preview(customer_client, "transfer", direction="to_margin", asset="USDC", amount="100")
    assert "USDC is not accepted as collateral" in refusal_of(response)
    assert ledger_state() == before


def test_transfer_out_beyond_max_transferable_is_refused(borrower_client, borrower):
    transfer(user=borrower, asset="USDT", amount="20000", direction="to_spot")
    before = ledger_state()
    response = preview(borrower_client, "transfer", direction="to_spot", asset="BTC", amount="1")
    assert "can leave margin while keeping the margin ratio at 125% or more" in refusal_of(response)
    assert ledger_state() == before


def test_a_refused_preview_offers_the_largest_allowed_amount_in_one_click(borrower_client, borrower):
    transfer(user=borrower, asset="USDT", amount="20000", direction="to_spot")
    refused = preview(borrower_client, "transfer", direction="to_spot", asset="BTC", amount="1")
    largest = refused.context["preview"].largest
    assert 0 < largest < 1
    assert f"Preview {plain(largest)} BTC instead" in refused.content.decode()
    fields = dict(refused.context["largest_fields"])
    assert fields["amount"] == plain(largest)
    offered = borrower_client.post(reverse("transfer"), {**fields, "step": "preview"})
    assert offered.context["preview"].allowed
    assert offered.context["token"]


def test_transfer_of_an_asset_not_held_is_not_a_choice(customer_client, spot_btc):
    before = ledger_state()
    response = preview(customer_client, "transfer", direction="to_margin", asset="ETH", amount="1")
    assert "Select a valid choice" in errors_of(response)
    assert ledger_state() == before


def test_transfer_with_a_bad_direction_is_refused(customer_client, spot_btc):
    before = ledger_state()
    response = preview(customer_client, "transfer", direction="sideways", asset="BTC", amount="1")
    assert "Select a valid choice" in errors_of(response)
    assert ledger_state() == before


# --- borrow ---------------------------------------------------------------------------------


def test_borrow_preview_shows_the_ratio_after(borrower_client, borrower):
    response = preview(borrower_client, "borrow", asset="BTC", amount="0.1")
    expected = action_preview(
        margin_account=margin_account_for(borrower), action="borrow", asset="BTC", amount=Decimal("0.1")
    )
    assert f'data-value="{plain(expected.after.margin_ratio)}"' in response.content.decode()


def test_borrow_confirm_lends_into_the_margin_wallet(borrower_client, borrower):
    response = confirm(borrower_client, "borrow", asset="BTC", amount="0.1")
    assert response.status_code == 302
    assert balance(borrower, AccountKind.LOAN_PRINCIPAL, "BTC") == Decimal("-0.1")


def test_borrow_beyond_max_borrowable_is_refused_and_changes_nothing(borrower_client):
    before = ledger_state()
    response = preview(borrower_client, "borrow", asset="USDT", amount="1000000")
    assert "can be borrowed while keeping the margin ratio at 125% or more" in refusal_of(response)
    assert ledger_state() == before


def test_borrow_without_multi_asset_mode_is_refused(customer_client, customer):
    fund_margin(customer, BTC="1")
    before = ledger_state()
    response = preview(customer_client, "borrow", asset="USDT", amount="100")
    assert refusal_of(response) == "Turn on multi-asset mode before borrowing."
    assert ledger_state() == before


def test_borrow_of_an_asset_that_cannot_be_borrowed_is_not_a_choice(borrower_client):
    before = ledger_state()
    response = preview(borrower_client, "borrow", asset="ADA", amount="1")
    assert "Select a valid choice" in errors_of(response)
    assert ledger_state() == before


def test_borrow_page_offers_max_borrowable_for_the_max_button(borrower_client, borrower):
    from accounts.selectors import account_summary

    summary = account_summary(margin_account=margin_account_for(borrower))
    html = borrower_client.get(reverse("borrow")).content.decode()
    assert f'"USDT": "{plain(summary.max_borrowable["USDT"].amount)}"' in html


# --- repay ----------------------------------------------------------------------------------


def test_repay_part_pays_interest_first(borrower_client, borrower):
    response = confirm(borrower_client, "repay", asset="USDT", amount="1000")
    assert response.status_code == 302
    assert balance(borrower, AccountKind.LOAN_INTEREST, "USDT") == 0
    assert balance(borrower, AccountKind.LOAN_PRINCIPAL, "USDT") == Decimal("-19002")


def test_repay_all_clears_the_loan(borrower_client, borrower):
    fund_margin(borrower, USDT="2")  # the first day's interest on top of the 20 000 borrowed
    response = confirm(borrower_client, "repay", asset="USDT", repay_all="on")
    assert response.status_code == 302
    assert balance(borrower, AccountKind.LOAN_PRINCIPAL, "USDT") == 0
    assert balance(borrower, AccountKind.LOAN_INTEREST, "USDT") == 0


def test_repay_more_than_owed_is_refused(borrower_client):
    before = ledger_state()
    response = preview(borrower_client, "repay", asset="USDT", amount="20003")
    assert "You owe 20,002 USDT" in refusal_of(response)
    assert ledger_state() == before


def test_repay_all_without_the_funds_in_margin_is_refused(borrower_client, borrower):
    transfer(user=borrower, asset="USDT", amount="20000", direction="to_spot")
    before = ledger_state()
    response = preview(borrower_client, "repay", asset="USDT", repay_all="on")
    assert refusal_of(response) == (
        "Repaying all needs 20,002 USDT in the margin wallet; it holds 0: 20,002 USDT short."
    )
    assert response.context["preview"].shortfall == Decimal("20002")
    assert ledger_state() == before


def test_repay_all_short_of_funds_offers_the_transfer_prefilled_and_repaying_with_collateral(
    borrower_client, borrower
):
    transfer(user=borrower, asset="USDT", amount="1000", direction="to_spot")
    deposit_credit(user=borrower, asset="USDT", amount="10", reference="spot-usdt")
    response = preview(borrower_client, "repay", asset="USDT", repay_all="on")
    assert "1,002 USDT short" in refusal_of(response)
    ways = {way["testid"]: way["href"] for way in response.context["ways_out"]}
    assert ways["way-out-transfer"] == "/transfer/?direction=to_margin&asset=USDT&amount=1002"
    assert ways["way-out-collateral"] == "/repay/collateral/?asset=USDT&collateral=BTC&repay_all=on"


def test_repay_with_an_amount_and_repay_all_is_refused_as_the_api_refuses_it(borrower_client):
    response = preview(borrower_client, "repay", asset="USDT", amount="10", repay_all="on")
    assert "Give an amount or choose repay all, not both." in errors_of(response)


def test_repay_needs_an_amount_or_repay_all(borrower_client):
    before = ledger_state()
    response = preview(borrower_client, "repay", asset="USDT", amount="")
    assert "Enter an amount, or choose repay all." in errors_of(response)
    assert ledger_state() == before


def test_repay_of_an_asset_without_a_loan_is_not_a_choice(borrower_client):
    before = ledger_state()
    response = preview(borrower_client, "repay", asset="BTC", amount="1")
    assert "Select a valid choice" in errors_of(response)
    assert ledger_state() == before


# --- repay with collateral ------------------------------------------------------------------


def test_repay_all_with_collateral_sells_just_the_shortfall(borrower_client, borrower):
    transfer(user=borrower, asset="USDT", amount="1000", direction="to_spot")
    data = {"asset": "USDT", "collateral": "BTC", "repay_all": "on"}
    shown = preview(borrower_client, "repay-collateral", **data)
    assert shown.context["preview"].allowed
    assert shown.context["preview"].outcome.sold == Decimal("0.0167")  # 1 002 USDT / 60 000
    response = borrower_client.post(
        reverse("repay-collateral"), {**data, "step": "confirm", "token": shown.context["token"]}
    )
    assert response.status_code == 302
    assert balance(borrower, AccountKind.LOAN_PRINCIPAL, "USDT") == 0
    assert balance(borrower, AccountKind.LOAN_INTEREST, "USDT") == 0
    assert balance(borrower, AccountKind.MARGIN, "BTC") == Decimal("0.9833")
    assert balance(borrower, AccountKind.MARGIN, "USDT") == 0


def test_repay_with_collateral_is_refused_on_a_stale_price(borrower_client, borrower, settings):
    from datetime import timedelta

    from risk.models import AssetPrice

    transfer(user=borrower, asset="USDT", amount="19000", direction="to_spot")
    AssetPrice.objects.filter(asset__symbol="BTC").update(
        observed_at=AssetPrice.objects.get(asset__symbol="BTC").observed_at - timedelta(hours=1)
    )
    response = preview(borrower_client, "repay-collateral", asset="USDT", collateral="BTC", repay_all="on")
    assert "The price of BTC is stale" in refusal_of(response)


# --- stale prices: risk-reducing actions still preview and confirm ----------------------------


@pytest.fixture
def stale_prices():
    from datetime import timedelta

    from django.utils import timezone

    from risk.models import AssetPrice

    AssetPrice.objects.update(observed_at=timezone.now() - timedelta(hours=1))


def test_moving_usdt_into_margin_previews_and_confirms_on_stale_prices(
    borrower_client, borrower, stale_prices
):
    deposit_credit(user=borrower, asset="USDT", amount="500", reference="spot-usdt")
    shown = preview(borrower_client, "transfer", direction="to_margin", asset="USDT", amount="500")
    assert shown.context["preview"].allowed
    assert "BTC" in shown.context["preview"].stale
    assert 'data-testid="preview-stale"' in shown.content.decode()
    response = confirm(borrower_client, "transfer", direction="to_margin", asset="USDT", amount="500")
    assert response.status_code == 302
    assert balance(borrower, AccountKind.MARGIN, "USDT") == Decimal("20500")


def test_repaying_previews_and_confirms_on_stale_prices(borrower_client, borrower, stale_prices):
    response = confirm(borrower_client, "repay", asset="USDT", amount="1000")
    assert response.status_code == 302
    assert balance(borrower, AccountKind.LOAN_PRINCIPAL, "USDT") == Decimal("-19002")


def test_borrowing_on_a_stale_price_is_refused_in_the_preview(borrower_client, stale_prices):
    response = preview(borrower_client, "borrow", asset="USDT", amount="10")
    assert "is stale" in refusal_of(response)
