"""The 6-digit code from an authenticator app, or a one-use recovery code."""

from django import forms


class TotpCodeForm(forms.Form):
    otp_code = forms.CharField(
        label="Authentication code",
        max_length=12,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"[0-9 ]*",
                "placeholder": "123 456",
                "autofocus": True,
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )

    def clean_otp_code(self) -> str:
        code = self.cleaned_data["otp_code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("The code is the 6 digits your authenticator app shows.")
        return code


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "abcd-efgh", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter one of your recovery codes."},
    )
