"""The pieces of the ``ory-async`` command: settings, output, and one module per job.

``ory_async.cli`` builds the argument parser and dispatches to these modules.
"""

from ._config import (
    Settings,
    UsageError,
    make_client,
    read_api_key,
    settings_from,
    unauthorized_hint,
)

__all__ = [
    "Settings",
    "UsageError",
    "make_client",
    "read_api_key",
    "settings_from",
    "unauthorized_hint",
]
