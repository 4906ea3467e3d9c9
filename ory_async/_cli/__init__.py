"""The ``ory-async`` command: settings, output, and one module per job.

``main`` builds the argument parser and dispatches to the job modules (``commands``,
``export``, ``importer``, ``demo``); the settings and client set-up shared by every
command are in ``_config``.
"""
