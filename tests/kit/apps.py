"""What the app-integration tests build on FakeOry: a client factory that remembers the
clients it made (to check they close) and identities with sessions in every state."""

from __future__ import annotations

from datetime import timedelta

from ory_async import OryClient, RetryPolicy
from ory_async.testing import FakeOry


class Factory:
    """Builds the app's OryClient the way an app would, and keeps it for assertions."""

    def __init__(self, fake: FakeOry) -> None:
        self.fake = fake
        self.made: list[OryClient] = []

    def __call__(self) -> OryClient:
        # No retries: a request path answers 503 at once rather than waiting on Ory.
        client = OryClient(
            self.fake.url, public_url=self.fake.public_url, retry=RetryPolicy.none(), timeouts=5
        )
        self.made.append(client)
        return client


class Users:
    """Identities with sessions in the fake, in every state the tests need."""

    def __init__(self, fake: FakeOry) -> None:
        self.fake = fake
        self.ada, self.bob = fake.seed_identities(2)
        self.session, self.token = fake.create_session(self.ada)
        _, self.expired = fake.create_session(self.ada, expires_in=timedelta(seconds=-60))
        _, self.revoked = fake.create_session(self.ada, active=False)
        _, self.aal1 = fake.create_session(self.bob, aal="aal1", aal_required="aal2")
