"""The installed version of ory_async."""

__version__ = "0.1.0"
