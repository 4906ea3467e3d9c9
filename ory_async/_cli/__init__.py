"""The pieces of the ``ory-async`` command: settings, output, and one module per job.

``ory_async.cli`` builds the argument parser and dispatches to these modules; the
settings and client set-up shared by every command are in ``_config``.
"""
