"""The receiver example of the documentation, run as written against real signed deliveries."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from accounts.services import deposit_credit
from margin_project.events.models import Event, WebhookDelivery
from margin_project.events.services import webhook_delivery_send_now, webhook_endpoint_create
from margin_project.events.signing import signature

DOC = Path(__file__).resolve().parents[2] / "docs" / "notes" / "events.md"

pytestmark = pytest.mark.usefixtures("transactional_db")


def example_receiver(secret: str) -> dict:
    """The documented receiver's namespace, with the endpoint's secret filled in."""
    text = DOC.read_text()
    code = re.search(r"### A receiver\s+```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    namespace["SECRET"] = secret
    handled: list[dict] = []
    namespace["on_event"] = handled.append
    namespace["handled"] = handled
    return namespace


def post(url: str, body: bytes, header: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - the test's own http://127.0.0.1 receiver
        url,
        data=body,
        method="POST",
        headers={"Margin-Signature": header, "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_documented_receiver_accepts_real_deliveries_once_and_rejects_forgeries(customer, receiver):
    registered = webhook_endpoint_create(owner=customer, url=receiver.url)
    documented = example_receiver(registered.secret)
    receiver.answer = lambda headers, body: documented["receive"](body, headers)

    deposit_credit(user=customer, asset="USDT", amount="5", reference="doc-1")  # delivered after commit
    event = Event.objects.latest("id")
    assert receiver.delivered_ids() == [event.pk]
    assert [e["id"] for e in documented["handled"]] == [event.pk]

    webhook_delivery_send_now(delivery_id=WebhookDelivery.objects.get(event=event).pk)  # a re-send
    assert receiver.delivered_ids() == [event.pk, event.pk]
    assert len(documented["handled"]) == 1  # handled once: the id was already processed

    genuine = receiver.received[0]
    header = genuine.headers["Margin-Signature"]
    tampered = json.loads(genuine.body)
    tampered["data"]["amount"] = "5000"
    assert post(receiver.url, json.dumps(tampered).encode(), header) == 400
    old = int(time.time()) - 600
    assert post(receiver.url, genuine.body, signature(registered.secret, genuine.body, old)) == 400
    assert post(receiver.url, genuine.body, signature("whsec_guess", genuine.body, int(time.time()))) == 400
    assert len(documented["handled"]) == 1
