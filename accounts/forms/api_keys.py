"""Creating an API key on the web page: label, permissions, allowed addresses, optional Ed25519 key."""

from django import forms

from accounts.models.api_key import ApiKeyPermission

GRANTABLE = [
    (ApiKeyPermission.BORROW_REPAY.value, "Borrow and repay"),
    (ApiKeyPermission.TRANSFER.value, "Transfer between spot and margin"),
]


class ApiKeyCreateForm(forms.Form):
    label = forms.CharField(
        max_length=64,
        help_text="So you know which program uses it, e.g. “rebalancing bot”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    permissions = forms.MultipleChoiceField(
        choices=GRANTABLE,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every key can read your account. Tick only what the program needs.",
    )
    ip_allowlist = forms.CharField(
        label="Allowed IP addresses",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "203.0.113.7, 2001:db8::/48"}),
        help_text="Optional. Addresses or networks, separated by commas or spaces; empty allows any.",
    )
    public_key = forms.CharField(
        label="Ed25519 public key (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "-----BEGIN PUBLIC KEY-----"}),
        help_text="Sign with your own Ed25519 private key instead of a secret we issue.",
    )
    otp_code = forms.CharField(
        label="Authentication code",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, two_factor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not two_factor:
            del self.fields["otp_code"]
        else:
            self.fields["otp_code"].required = True
            self.fields["otp_code"].error_messages["required"] = "Enter the 6-digit code from your app."
