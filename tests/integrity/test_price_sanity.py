"""Price sanity: a band per asset, independent sources, a second person, a median, a log.

The test market trusts its one feed (tests/conftest.py); here the band, the window and
the sources are the defaults a fresh install has: ±15 %, 2 minutes, one source.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import MarginAccount
from accounts.services import loan_borrow, loan_repay, transfer
from margin_project.errors import Conflict, StalePrice
from risk.models import (
    Asset,
    AssetPrice,
    Liquidation,
    MarginCall,
    PriceDecision,
    PriceHold,
    PriceObservation,
    RiskSettings,
    StaffAlert,
)
from risk.services import price_hold_confirm, price_hold_reject, price_observe, price_record
from risk.services.prices import SecondPersonRequired
from risk.signals import price_changed
from tests.admin.conftest import borrower as borrower_make
from tests.admin.conftest import staff_in
from tests.api.conftest import client_for, error_of
from tests.helpers import assert_ledger_balanced, staff_sign_in

pytestmark = pytest.mark.django_db

CONFIRM = "/api/v1/staff/prices/held/{}/confirm/"


@pytest.fixture(autouse=True)
def sane_defaults(market):
    """The defaults of a fresh install (the shared test market widens them)."""
    defaults = RiskSettings()
    RiskSettings.objects.filter(pk=1).update(
        max_price_move=defaults.max_price_move, price_confirm_window=defaults.price_confirm_window
    )
    assert defaults.max_price_move == D("0.15")


@pytest.fixture
def alice(make_user):
    """1 BTC in margin against 40 000 USDT borrowed and taken out: 135 % at 60 000."""
    return borrower_make(make_user, "alice", collateral={"BTC": "1"}, borrow="40000")


@pytest.fixture
def feed(make_user):
    return staff_in(make_user, "feed-bot", "risk officer")


@pytest.fixture
def rita(make_user):
    return staff_in(make_user, "rita", "risk officer")


@pytest.fixture
def oscar(make_user):
    return staff_in(make_user, "oscar", "risk officer")


def live_btc() -> D:
    return AssetPrice.objects.get(asset__symbol="BTC").price


def sweep_everything() -> str:
    """The real sweep over every chunk, with every account due for assessment."""
    MarginAccount.objects.update(assessed_at=timezone.now() - timedelta(hours=1))
    out = StringIO()
    call_command("sweep_now", stdout=out)
    return out.getvalue()


def post_prices(client, *rows):
    return client.post("/api/v1/staff/prices/", {"prices": list(rows)}, format="json")


def test_a_minus_90_percent_single_source_tick_is_held_and_liquidates_nothing(
    alice, feed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_prices(client_for(feed), {"asset": "BTC", "price": "6000", "source": "feed"})

    assert response.status_code == 200, response.content
    row = response.json()[0]
    assert (row["decision"], row["reported"], row["price"]) == ("held", "6000", "60000")
    assert live_btc() == D("60000")
    hold = PriceHold.objects.get(pk=row["hold_id"])
    assert (hold.status, hold.reason) == (PriceHold.Status.PENDING, PriceHold.Reason.OUT_OF_BAND)

    report = sweep_everything()

    assert "assessed 1 account(s)" in report
    assert not Liquidation.objects.exists()
    assert not MarginCall.objects.exists()
    # Staff were told, in the admin and by e-mail.
    alert = StaffAlert.objects.get(kind=StaffAlert.Kind.PRICE_HELD, resolved_at=None)
    assert "-90.00 %" in alert.message
    assert [m.subject for m in mail.outbox] == ["[Margin desk risk] Price held for confirmation"]


def test_a_second_source_confirming_makes_it_live_and_then_the_sweep_acts(alice, feed, make_user):
    post_prices(client_for(feed), {"asset": "BTC", "price": "6000", "source": "feed"})
    other_feed = staff_in(make_user, "feed-bot-2", "risk officer")

    response = post_prices(client_for(other_feed), {"asset": "BTC", "price": "6050", "source": "exchange-b"})

    row = response.json()[0]
    assert (row["decision"], row["price"]) == ("live", "6025")  # the median of the two
    assert PriceHold.objects.get().status == PriceHold.Status.CONFIRMED
    assert not StaffAlert.objects.filter(kind=StaffAlert.Kind.PRICE_HELD, resolved_at=None).exists()

    sweep_everything()

    liquidation = Liquidation.objects.get(margin_account__user=alice)
    assert liquidation.lines.exists()
    assert_ledger_balanced()


def test_one_account_cannot_confirm_itself_with_a_second_source_name(alice, feed):
    response = post_prices(
        client_for(feed),
        {"asset": "BTC", "price": "6000", "source": "exchange-a"},
        {"asset": "BTC", "price": "6000", "source": "exchange-b"},
    )

    assert [row["decision"] for row in response.json()] == ["held", "held"]
    assert live_btc() == D("60000")
    # The second report replaced the first: one hold pending.
    assert PriceHold.objects.filter(status=PriceHold.Status.PENDING).count() == 1


def test_a_second_staff_member_confirms_a_held_price(alice, feed, rita, django_capture_on_commit_callbacks):
    hold_id = post_prices(client_for(feed), {"asset": "BTC", "price": "6000"}).json()[0]["hold_id"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(rita).post(CONFIRM.format(hold_id), format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["decision"], response.json()["price"]) == ("confirmed", "6000")
    assert live_btc() == D("6000")
    confirmation = PriceObservation.objects.get(decision=PriceDecision.CONFIRMED)
    assert (confirmation.recorded_by, confirmation.confirms.pk) == (
        rita,
        PriceHold.objects.get().observation.pk,
    )
    # The price change queued the sweep of the exposed accounts (run eagerly after commit).
    assert Liquidation.objects.filter(margin_account__user=alice).exists()


def test_the_staff_member_who_recorded_a_price_cannot_confirm_it(alice, rita):
    hold_id = post_prices(client_for(rita), {"asset": "BTC", "price": "6000"}).json()[0]["hold_id"]

    response = client_for(rita).post(CONFIRM.format(hold_id), format="json")

    assert response.status_code == 403
    assert error_of(response)["code"] == "second_person_required"
    assert live_btc() == D("60000")
    assert PriceHold.objects.get().status == PriceHold.Status.PENDING


def test_support_cannot_confirm_a_held_price(alice, feed, make_user):
    support = staff_in(make_user, "sam", "support")
    hold_id = post_prices(client_for(feed), {"asset": "BTC", "price": "6000"}).json()[0]["hold_id"]

    response = client_for(support).post(CONFIRM.format(hold_id), format="json")

    assert response.status_code == 403
    assert live_btc() == D("60000")


def test_a_customer_cannot_list_held_prices(alice):
    response = client_for(alice).get("/api/v1/staff/prices/held/")
    assert response.status_code == 403


def test_a_second_staff_member_confirms_in_the_admin_and_the_recorder_cannot(client, alice, rita, oscar):
    staff_sign_in(client, rita)
    response = client.post(
        reverse("admin:risk_assetprice_record"), {"asset": "BTC", "price": "6000"}, follow=True
    )
    assert "held for confirmation" in response.content.decode()
    hold = PriceHold.objects.get()
    action = {"action": "confirm_selected", "_selected_action": [hold.pk]}

    response = client.post(reverse("admin:risk_pricehold_changelist"), action, follow=True)
    assert "second staff member" in response.content.decode()
    assert live_btc() == D("60000")

    staff_sign_in(client, oscar)
    response = client.post(reverse("admin:risk_pricehold_changelist"), action, follow=True)
    assert "1 held price(s) resolved." in response.content.decode()
    assert live_btc() == D("6000")


def test_a_rejected_price_never_goes_live_and_the_asset_is_usable_again(alice, feed, rita):
    outcome = price_observe(asset="BTC", price="6000", source="feed", recorded_by=feed)

    price_hold_reject(hold_id=outcome.hold.pk, staff_user=rita, reason="Misplaced decimal point")

    assert PriceHold.objects.get().status == PriceHold.Status.REJECTED
    assert live_btc() == D("60000")
    loan_borrow(user=alice, asset="USDT", amount="100")  # BTC is not held back any more


def quiet_asset(symbol: str, price: str) -> Asset:
    """An asset whose only price came 3 minutes ago: no source is fresh for a median."""
    asset = Asset.objects.create(symbol=symbol, name=symbol, precision=8, is_collateral=False)
    price_record(
        asset=asset, price=price, source="old-feed", observed_at=timezone.now() - timedelta(minutes=3)
    )
    return asset


def test_the_live_price_is_the_median_of_three_fresh_sources(market):
    quiet_asset("DOT", "3000")
    price_record(asset="DOT", price="3000", source="exchange-a")
    price_record(asset="DOT", price="3060", source="exchange-b")
    assert AssetPrice.objects.get(asset__symbol="DOT").price == D("3030")  # median of two

    outcome = price_observe(asset="DOT", price="3010", source="exchange-c")

    assert outcome.live.price == D("3010")  # median of 3000, 3060, 3010
    assert outcome.live.source == "median of 3 sources"
    assert outcome.observation.note.startswith("Live at 3010")


def test_a_source_older_than_the_window_is_not_in_the_median(market):
    quiet_asset("DOT", "3060")

    price_record(asset="DOT", price="3000", source="exchange-a")

    assert AssetPrice.objects.get(asset__symbol="DOT").price == D("3000")


def test_a_move_within_the_band_goes_live_at_once(market):
    outcome = price_observe(asset="BTC", price="52000", source="feed")  # -13.3 %
    assert (outcome.decision, live_btc()) == (PriceDecision.LIVE, D("52000"))


def test_the_band_is_set_per_asset(market):
    market["BTC"].max_price_move = D("0.5")
    market["BTC"].save()

    assert price_observe(asset="BTC", price="36000", source="feed").decision == PriceDecision.LIVE  # -40 %
    assert price_observe(asset="ETH", price="1800", source="feed").decision == PriceDecision.HELD  # -40 %


def test_an_asset_configured_for_two_sources_holds_a_single_source(market):
    dot = quiet_asset("DOT", "3000")
    dot.price_sources_required = 2
    dot.save()

    first = price_observe(asset="DOT", price="3030", source="exchange-a")
    assert (first.decision, first.hold.reason) == (PriceDecision.HELD, PriceHold.Reason.TOO_FEW_SOURCES)
    assert AssetPrice.objects.get(asset__symbol="DOT").price == D("3000")

    second = price_observe(asset="DOT", price="3020", source="exchange-b")
    assert (second.decision, second.live.price) == (PriceDecision.LIVE, D("3025"))
    assert PriceHold.objects.get().status == PriceHold.Status.CONFIRMED


def test_a_held_move_stops_risk_adding_actions_but_never_risk_reducing_ones(alice):
    loan_borrow(user=alice, asset="USDT", amount="10")
    price_observe(asset="BTC", price="6000", source="feed")

    with pytest.raises(StalePrice, match="waiting for confirmation"):
        loan_borrow(user=alice, asset="USDT", amount="10")
    with pytest.raises(StalePrice):
        transfer(user=alice, asset="BTC", amount="0.01", direction="to_spot")
    transfer(user=alice, asset="USDT", amount="100", direction="to_margin")
    loan_repay(user=alice, asset="USDT", amount="100")


def test_price_changed_is_signalled_only_when_the_live_price_changes(market):
    signalled = []

    def receiver(sender, asset_id, **kwargs):
        signalled.append(asset_id)

    price_changed.connect(receiver, dispatch_uid="test-price-changed")
    try:
        price_record(asset="BTC", price="60000", source="feed")  # the same price, fresher
        price_record(asset="BTC", price="6000", source="feed")  # held
        price_record(asset="BTC", price="60100", source="feed")  # moves
    finally:
        price_changed.disconnect(dispatch_uid="test-price-changed")

    assert signalled == [market["BTC"].pk]


def test_every_report_is_logged_and_the_log_is_append_only(market, feed):
    price_observe(asset="BTC", price="61000", source="feed", recorded_by=feed)
    price_observe(asset="BTC", price="6100", source="feed", recorded_by=feed)
    price_observe(asset="BTC", price="61000", source="feed", observed_at=timezone.now() - timedelta(hours=1))

    log = list(PriceObservation.objects.filter(source="feed").order_by("id"))
    assert [(o.decision, o.price, o.recorded_by) for o in log] == [
        (PriceDecision.LIVE, D("61000"), feed),
        (PriceDecision.HELD, D("6100"), feed),
        (PriceDecision.IGNORED, D("61000"), None),
    ]
    with pytest.raises(ValueError, match="append-only"):
        log[0].save()
    with pytest.raises(ValueError, match="append-only"):
        log[0].delete()


def test_a_held_price_too_old_to_confirm_is_refused(alice, feed, rita):
    outcome = price_observe(asset="BTC", price="6000", source="feed", recorded_by=feed)
    RiskSettings.objects.filter(pk=1).update(max_price_age=timedelta(microseconds=1))  # time passes

    with pytest.raises(Conflict, match="too old to confirm"):
        price_hold_confirm(hold_id=outcome.hold.pk, staff_user=rita)
    assert live_btc() == D("60000")


def test_the_recorder_is_refused_by_the_service_too(alice, rita):
    outcome = price_observe(asset="BTC", price="6000", source="desk", recorded_by=rita)
    with pytest.raises(SecondPersonRequired):
        price_hold_confirm(hold_id=outcome.hold.pk, staff_user=rita)


def test_the_record_price_page_shows_the_live_price(client, rita, market):
    staff_sign_in(client, rita)

    page = client.get(reverse("admin:risk_assetprice_record") + "?asset=BTC").content.decode()

    assert "Live BTC price: 60,000 USDT" in page
    assert 'id="price-reference-data"' in page  # what the script compares a typed price with
