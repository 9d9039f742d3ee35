"""Showing a service's refusal on the form that asked for it."""

from __future__ import annotations

from django import forms

from margin_project.errors import DomainError


def form_error_add(form: forms.Form, error: DomainError) -> None:
    """Attach ``error`` to the field it names when the form has that field, else to the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
