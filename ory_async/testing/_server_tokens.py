"""FakeOry's controls for tokenized sessions, whoami caching and cookie re-issue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Self

from ._state import FakeState
from ._tokenizer import ClaimsMapper, TokenTemplate

__all__ = ["SessionTokensControls"]


class SessionTokensControls:
    """FakeOry's controls for tokenized sessions and whoami caching (mixed into FakeOry)."""

    state: FakeState

    def add_token_template(
        self,
        name: str,
        *,
        ttl: timedelta = timedelta(minutes=1),
        subject_source: str = "id",
        claims_mapper: ClaimsMapper | None = None,
    ) -> Self:
        """Configure a session token template for ``whoami?tokenize_as=<name>``.

        ``claims_mapper(session_json, claims)`` returns claims to add, as a template's
        Jsonnet does (e.g. ``{"session": session_json}``, ``{"aud": ...}``).
        """
        self.state.tokens.templates[name] = TokenTemplate(ttl, subject_source, claims_mapper)
        return self

    def cacheable_sessions(self, enabled: bool = True, *, max_age: timedelta | None = None) -> Self:
        """Send ``Ory-Session-Cache-For`` on whoami (Kratos's ``cacheable_sessions`` flag).

        The value is the time until the session expires, capped by ``max_age``; an answer
        with a token (``tokenize_as``) carries none.
        """
        self.state.tokens.cacheable = enabled
        self.state.tokens.cache_max_age = max_age
        return self

    def rotate_signing_key(self, *, keep_old: bool = True) -> str:
        """Sign new tokens with a new key; returns its ``kid``."""
        return self.state.tokens.rotate(keep_old=keep_old)

    @property
    def jwks(self) -> dict[str, Any]:
        """The public JWKS served at ``/.well-known/jwks.json``."""
        return self.state.tokens.jwks()

    @property
    def signing_key(self) -> tuple[str, Any]:
        """``(kid, private key)`` of the current signing key (to forge tokens in tests)."""
        return self.state.tokens.signing_key()
