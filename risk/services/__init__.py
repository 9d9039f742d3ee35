"""Write paths of the risk desk."""

from .prices import price_record

__all__ = ["price_record"]
