"""The feed in id order with no gap, even when transactions commit out of id order.

On PostgreSQL two transactions really do commit out of id order, and the feed holds back
the later id until the earlier one's transaction ends (``margin_project.events.sql``).
On SQLite every transaction is BEGIN IMMEDIATE, so the second writer cannot start until
the first commits: ids commit in order by construction; the same tests show it.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from margin_project.events.catalog import Types
from margin_project.events.models import Event
from margin_project.events.selectors import events_feed
from margin_project.events.services import event_record

PAYLOAD = {"asset": "BTC", "price": "60000", "source": "test", "observed_at": "2026-01-05T10:00:00Z"}


def record() -> int:
    return event_record(type=Types.PRICE_RECORDED, account_id=None, payload=PAYLOAD).pk


@pytest.fixture
def reader(transactional_db):
    return get_user_model().objects.create_user("feed-reader", is_staff=True)


def feed_ids(user, after: int = 0) -> tuple[list[int], int]:
    page = events_feed(user=user, after=after, limit=500)
    return [e.pk for e in page.events], page.next_after


def test_an_id_committed_before_a_smaller_one_is_held_back_until_that_one_commits(reader):
    ids: dict[str, int] = {}
    first_inside, release_first, second_done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first():
        try:
            with transaction.atomic():
                ids["first"] = record()
                first_inside.set()
                assert release_first.wait(60)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    def second():
        try:
            assert first_inside.wait(60)
            with transaction.atomic():  # SQLite: waits here for the first to commit
                ids["second"] = record()
            second_done.set()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    assert first_inside.wait(60)
    if connection.vendor == "postgresql":
        assert second_done.wait(60)  # the larger id committed while the smaller is in flight
        assert ids["first"] < ids["second"]
        assert Event.objects.filter(pk=ids["second"]).exists()  # a naive "id > cursor" reader sees it...
        served, cursor = feed_ids(reader)
        assert ids["second"] not in served  # ...the feed holds it back
        assert cursor < ids["first"]
    release_first.set()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert ids["first"] < ids["second"]
    served, _ = feed_ids(reader, after=0)
    assert served == [ids["first"], ids["second"]]


def test_a_consumer_polling_while_writers_race_sees_every_committed_event_once_in_order(reader):
    """Writers commit and roll back at random while a consumer follows the feed by its cursor."""
    committed: list[int] = []
    committed_lock = threading.Lock()
    writers_done = threading.Event()
    rng = random.Random(20260105)
    plans = [[(rng.random() < 0.2, rng.uniform(0, 0.01)) for _ in range(15)] for _ in range(4)]

    def writer(plan):
        try:
            for roll_back, pause in plan:
                try:
                    with transaction.atomic():
                        event_id = record()
                        time.sleep(pause)  # hold the id a while: others commit past it
                        if roll_back:
                            raise LookupError
                except LookupError:
                    continue
                with committed_lock:
                    committed.append(event_id)
        finally:
            connection.close()

    seen: list[int] = []

    def consumer():
        cursor = 0
        try:
            while True:
                done = writers_done.is_set()
                served, cursor = feed_ids(reader, after=cursor)
                seen.extend(served)
                if done and not served:
                    return
                time.sleep(0.002)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(plan,)) for plan in plans]
    follower = threading.Thread(target=consumer)
    follower.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    writers_done.set()
    follower.join(120)

    assert seen == sorted(committed)  # every committed event, once, in id order: none skipped
    assert len(committed) > 40
