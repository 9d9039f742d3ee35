"""The form data the admin's change pages post, built from the current records."""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags

from risk.models import Asset, RiskSettings


def asset_change_data(asset: Asset, tiers: list[tuple] | None = None, **fields) -> dict[str, str]:
    """POST data for an asset's change page.

    ``tiers``: rows of (tier or None for a new one, up_to, factor[, delete]); by default the
    asset's current tiers unchanged.
    """
    data = {
        "name": asset.name,
        "is_collateral": "on" if asset.is_collateral else "",
        "is_borrowable": "on" if asset.is_borrowable else "",
        "daily_interest_rate": str(asset.daily_interest_rate),
        "borrow_limit": "" if asset.borrow_limit is None else str(asset.borrow_limit),
        "liquidation_priority": str(asset.liquidation_priority),
        "max_price_move": "" if asset.max_price_move is None else str(asset.max_price_move),
        "price_sources_required": str(asset.price_sources_required),
    }
    data.update({key: str(value) for key, value in fields.items()})
    data = {key: value for key, value in data.items() if value != ""}
    if tiers is None:
        tiers = [(tier, tier.up_to, tier.factor) for tier in asset.tiers.all()]
    existing = [row for row in tiers if row[0] is not None]
    data.update(
        {
            "tiers-TOTAL_FORMS": str(len(tiers)),
            "tiers-INITIAL_FORMS": str(len(existing)),
            "tiers-MIN_NUM_FORMS": "0",
            "tiers-MAX_NUM_FORMS": "1000",
        }
    )
    # Existing tiers first, as the formset expects its initial forms.
    for index, (tier, up_to, factor, *delete) in enumerate(existing + [r for r in tiers if r[0] is None]):
        prefix = f"tiers-{index}-"
        data[prefix + "asset"] = str(asset.pk)
        if tier is not None:
            data[prefix + "id"] = str(tier.pk)
        data[prefix + "up_to"] = "" if up_to is None else str(up_to)
        data[prefix + "factor"] = str(factor)
        if delete and delete[0]:
            data[prefix + "DELETE"] = "on"
    return data


def risk_settings_data(**fields) -> dict[str, str]:
    risk = RiskSettings.load()
    data = {
        name: str(getattr(risk, name))
        for name in (
            "borrow_level",
            "transfer_out_level",
            "margin_call_level",
            "target_level",
            "liquidation_level",
            "liquidation_fee",
            "collateral_repay_fee",
            "max_price_move",
        )
    }
    for name in ("max_price_age", "price_confirm_window"):
        seconds = int(getattr(risk, name).total_seconds())
        data[name] = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    data.update({key: str(value) for key, value in fields.items()})
    return data


def visible_text(response) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    page = re.sub(r"<(td|th|li|div|p|tr|br|h\d|span|label)\b", r" <\1", response.content.decode())
    return " ".join(html.unescape(strip_tags(page)).split())
