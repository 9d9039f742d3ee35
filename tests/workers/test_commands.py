"""Operators' commands run the same jobs synchronously and say what they did."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from risk.models import AssetPrice, MarginCall
from tests.workers.scenarios import leveraged_btc_holder


@pytest.mark.django_db
def test_setup_periodic_tasks_creates_the_schedules_once(db):
    call_command("setup_periodic_tasks", stdout=StringIO())
    out = StringIO()
    call_command("setup_periodic_tasks", stdout=out)
    tasks = {t.name: (t.task, str(t.crontab or t.interval)) for t in PeriodicTask.objects.all()}
    assert tasks["Daily interest accrual (00:00 UTC)"][0] == "accounts.accrue_interest"
    assert tasks["Daily interest accrual (00:00 UTC)"][1].startswith("0 0 * * *")
    assert tasks["Margin sweep (every minute)"] == ("accounts.sweep_all", "every minute")
    assert "kept: Margin sweep (every minute)" in out.getvalue()
    assert tasks["Webhook delivery healing (every minute)"] == ("events.heal", "every minute")
    assert tasks["Events purge (daily 03:00 UTC)"][0] == "events.purge"
    assert PeriodicTask.objects.count() == 5


@pytest.mark.django_db
def test_sweep_now_reports_what_it_did(customer):
    account = leveraged_btc_holder(customer)
    call_command("set_price", "BTC", "48000", stdout=StringIO())
    out = StringIO()
    call_command("sweep_now", "--account", str(account.pk), stdout=out)
    assert "assessed 1 account(s): 1 margin call(s) opened, 0 closed, 0 liquidation(s)" in out.getvalue()
    assert MarginCall.objects.filter(margin_account=account, closed_at=None).exists()


@pytest.mark.django_db
def test_sweep_now_over_all_chunks(customer):
    leveraged_btc_holder(customer)
    call_command("set_price", "BTC", "48000", stdout=StringIO())
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import MarginAccount

    MarginAccount.objects.update(assessed_at=timezone.now() - timedelta(hours=1))
    out = StringIO()
    call_command("sweep_now", stdout=out)
    assert "assessed 1 account(s): 1 margin call(s) opened" in out.getvalue()


@pytest.mark.django_db
def test_set_price_records_it_and_refuses_nonsense(market):
    out = StringIO()
    call_command("set_price", "eth", "3100.5", "--source", "desk", stdout=out)
    assert out.getvalue().strip() == "ETH = 3100.5 (desk)"
    assert AssetPrice.objects.get(asset__symbol="ETH").source == "desk"
    with pytest.raises(CommandError, match="greater than zero"):
        call_command("set_price", "ETH", "-1")
    with pytest.raises(CommandError, match="Unknown asset"):
        call_command("set_price", "NOPE", "1")


@pytest.mark.django_db
def test_accrue_interest_refuses_a_bad_date(market):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("accrue_interest", "--date", "tomorrow")
