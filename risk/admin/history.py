"""Change history made readable: who, when, and each field's old → new value.

django-simple-history stores a full copy of the row at every save, with its author: the
configuration services set it from their explicit ``actor`` (and a change reason: "admin",
"API", or what a command passes), so a change from a command or a task is attributed as
well as one from a request (``HistoryRequestMiddleware`` covers only requests). These
helpers turn consecutive copies into "Collateral factor: 0.9 → 0.85" lines with exact
decimals.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from margin_project.admin.display import EMPTY, money

# Bookkeeping columns that change on every save and say nothing to a reader.
UNTRACKED = ("created_at", "updated_at")


def readable(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


class ReadableHistory(HistoricalRecordContextHelper):
    """Old and new values shown as staff read them (exact decimals, yes/no, — for empty)."""

    def prepare_delta_change_value(self, change, value):
        return readable(super().prepare_delta_change_value(change, value))


def deltas(model, newer, older) -> list[dict[str, str]]:
    """[{field, old, new}] between two historical records of ``model``."""
    delta = newer.diff_against(older, excluded_fields=UNTRACKED, foreign_keys_are_objs=True)
    return ReadableHistory(model, newer).context_for_delta_changes(delta)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """History pages listing old → new per field; history is a record, not a way to edit."""

    object_history_list_template = "admin/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        for newer, older in zip(records, records[1:], strict=False):
            newer.history_delta_changes = deltas(self.model, newer, older)

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # nothing changed: no save, so no empty entry in the history
        super().save_model(request, obj, form, change)

    def revert_disabled(self, request, obj=None) -> bool:
        return True  # changes go through the change form and its checks

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied  # reverting is disabled; only the change form edits
        return super().history_form_view(request, object_id, version_id, extra_context)
