"""Fixtures of the money and market integrity tests: an 18-decimal token, staff in their roles."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group

from risk.models import Asset, CollateralTier
from risk.roles import RISK_OFFICER
from risk.services import price_record

# A meme token: 18 decimals, huge supplies, a tiny price.
MEME_PRICE = D("0.00000123")


def meme_create() -> Asset:
    asset = Asset.objects.create(
        symbol="MEME",
        name="Meme token",
        precision=18,
        is_collateral=True,
        is_borrowable=True,
        daily_interest_rate=D("0.0001"),
        liquidation_priority=50,
    )
    CollateralTier.objects.create(asset=asset, up_to=None, factor=D("0.5"))
    price_record(asset=asset, price=MEME_PRICE, source="test")
    return asset


@pytest.fixture
def meme(market):
    return meme_create()


def officer_make(make_user, username: str):
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=RISK_OFFICER))
    return user


@pytest.fixture
def officer(make_user, market):
    return officer_make(make_user, "rita")


@pytest.fixture
def second_officer(make_user, market):
    return officer_make(make_user, "oscar")
