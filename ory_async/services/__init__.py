"""Per-resource services: each describes its endpoints and leaves sending to the transport."""

from ._base import Service

__all__ = ["Service"]
