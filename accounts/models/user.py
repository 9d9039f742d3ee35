from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A customer or a member of staff (``is_staff``)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
