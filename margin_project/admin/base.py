"""Building blocks of the back office: read-only admins and operation pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows records, never edits them: money moves only through posted transactions."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OperationLinksMixin:
    """Buttons above a change list for the operations staff may run from it.

    ``operation_links`` returns dicts with ``url`` and ``label`` (and ``post=True`` for a
    button that posts straight away, with ``confirm`` text).
    """

    change_list_template = "admin/change_list_operations.html"

    def operation_links(self, request: HttpRequest) -> list[dict[str, Any]]:
        return []

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "operation_links": self.operation_links(request)}
        return super().changelist_view(request, extra_context)


def operation_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    form,
    title: str,
    intro: str,
    submit_label: str,
    extra: dict[str, Any] | None = None,
) -> TemplateResponse:
    """The page of one manual operation: a short explanation, the form, one button."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "intro": intro,
        "form": form,
        "submit_label": submit_label,
        **(extra or {}),
    }
    return TemplateResponse(request, "admin/operation_form.html", context)
