"""Support's forms on a customer's sign-in: the reason a reset or a lockout clear is done."""

from django import forms


class SupportReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="A ticket number or a few words; kept with your name in the customer's history.",
    )
