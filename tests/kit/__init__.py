"""The suite's shared test kit: every helper more than one test module uses lives here.

Test modules and conftests import helpers from ``tests.kit`` only, never from another
test module or conftest (``tests/contract/test_suite_rules.py`` checks it). A kit module
that drives private ``ory_async`` modules serves the unit tests (``tests/unit``) alone.
"""
