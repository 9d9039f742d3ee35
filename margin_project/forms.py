"""Form helpers every app shares."""

from __future__ import annotations

from django import forms

from .errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the field it names (or above the form)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
