"""Leases that keep two workers off the same chunk of work."""

from django.db import models


class JobLease(models.Model):
    """Held by one task at a time; expires by itself if its worker dies."""

    name = models.CharField(max_length=100, unique=True)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder or 'nobody'} until {self.expires_at:%H:%M:%S}"
