"""API keys as Binance issues them: a public key id, a secret the client signs with, permissions."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from margin_project.models import TimestampedModel


class ApiKeyKind(models.TextChoices):
    HMAC = "hmac", "HMAC-SHA256 (secret issued by the desk)"
    ED25519 = "ed25519", "Ed25519 (the customer's own key pair)"


class ApiKeyPermission(models.TextChoices):
    READ = "read", "Read"
    BORROW_REPAY = "borrow_repay", "Borrow and repay"
    TRANSFER = "transfer", "Transfer spot ↔ margin"


class ApiKey(TimestampedModel):
    """One key a customer made to sign API calls (``X-MBX-APIKEY`` + ``signature``).

    HMAC keys need the secret to check a signature, so it is kept encrypted at rest
    (Fernet, key from ``API_KEY_ENCRYPTION_KEY``) and shown to the customer once. An
    Ed25519 key stores only the customer's public key: nothing secret is kept.
    A revoked key stays for the record and never authenticates again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    label = models.CharField(max_length=64)
    key = models.CharField(max_length=64, unique=True, help_text="Sent as X-MBX-APIKEY; not a secret.")
    kind = models.CharField(max_length=8, choices=ApiKeyKind.choices, default=ApiKeyKind.HMAC)
    secret_encrypted = models.TextField(blank=True, help_text="Fernet token of the HMAC secret.")
    public_key = models.TextField(blank=True, help_text="Ed25519 public key (PEM).")
    can_read = models.BooleanField(default=True)
    can_borrow_repay = models.BooleanField(default=False)
    can_transfer = models.BooleanField(default=False)
    ip_allowlist = models.JSONField(
        default=list, blank=True, help_text="Addresses or networks allowed to use the key; empty = any."
    )
    created_with_otp = models.BooleanField(
        default=False, help_text="Made with a TOTP code: counts as the second factor for its permissions."
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "label"],
                condition=Q(revoked_at__isnull=True),
                name="api_key_label_unique_while_active",
            ),
            models.CheckConstraint(
                condition=(Q(kind="hmac") & ~Q(secret_encrypted=""))
                | (Q(kind="ed25519") & ~Q(public_key="")),
                name="api_key_has_its_verifier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.key[:8]}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def permissions(self) -> list[str]:
        granted = {
            ApiKeyPermission.READ: self.can_read,
            ApiKeyPermission.BORROW_REPAY: self.can_borrow_repay,
            ApiKeyPermission.TRANSFER: self.can_transfer,
        }
        return [str(p) for p, on in granted.items() if on]

    def allows(self, permission: str) -> bool:
        return permission in self.permissions
