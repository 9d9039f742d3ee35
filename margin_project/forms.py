"""Form helpers every app shares."""

from __future__ import annotations

from django import forms

from .errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the field it names (or above the form); when it lists
    several problems (``details``), every one of them, each on its own field."""
    problems = error.details or [{"field": error.field, "message": error.message}]
    for problem in problems:
        field = problem.get("field")
        form.add_error(field if field in form.fields else None, problem["message"])
