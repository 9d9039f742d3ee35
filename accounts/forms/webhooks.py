"""Registering a webhook endpoint on the customer's page: the URL and which events."""

from __future__ import annotations

from django import forms

from margin_project.events.catalog import types_for


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=600,
        widget=forms.URLInput(
            attrs={"placeholder": "https://hooks.example.com/margin", "spellcheck": "false"}
        ),
        help_text="https, on a public address. Each event is POSTed as JSON and signed.",
    )
    event_types = forms.MultipleChoiceField(
        label="Events",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event of your account.",
    )
    description = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [(t.name, t.name) for t in types_for(staff=False)]
