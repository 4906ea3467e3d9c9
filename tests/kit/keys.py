"""The credentials the suites use; tests assert they never show up in output."""

from __future__ import annotations

# The suite-wide credential (mocked-HTTP and scripted-server tests).
SECRET = "ory_pat_TESTSECRET_0123456789"
# The reliability suite's FakeOry key.
TOKEN = "ory_pat_RELIABILITY_SECRET_4f9c2b7e"
# The integration suite's key.
API_KEY = "ory_pat_INTEGRATION_0123456789"
