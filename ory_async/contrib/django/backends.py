"""An authentication backend mapping an Ory identity to a Django user.

``AUTHENTICATION_BACKENDS = ["ory_async.contrib.django.backends.OryBackend", ...]``, then
``django.contrib.auth.authenticate(request, ory_session=request.ory_session)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils.module_loading import import_string

from ...models import Identity, Session

__all__ = ["OryBackend", "default_user_fields"]


def default_user_fields(identity: Identity) -> dict[str, Any]:
    """The Django user fields taken from an identity's traits: ``email`` and names."""
    traits = identity.traits if isinstance(identity.traits, dict) else {}
    fields: dict[str, Any] = {}
    if isinstance(traits.get("email"), str):
        fields["email"] = traits["email"]
    name = traits.get("name")
    if isinstance(name, dict):
        if isinstance(name.get("first"), str):
            fields["first_name"] = name["first"]
        if isinstance(name.get("last"), str):
            fields["last_name"] = name["last"]
    return fields


class OryBackend(BaseBackend):
    """An authentication backend: the Django user of an Ory identity, made on first sight.

    ``authenticate(request, ory_session=session)`` gets or creates the user whose
    ``username`` is the identity id, with fields from ``settings.ORY_USER_FIELDS`` (a
    callable or its dotted path, ``identity -> dict``; by default the ``email`` and
    ``name.first``/``name.last`` traits), updated when they changed. Add it to
    ``AUTHENTICATION_BACKENDS`` and call ``django.contrib.auth.authenticate`` with the
    session (``request.ory_session``), then ``login`` if the app keeps Django sessions.
    """

    def authenticate(
        self, request: HttpRequest | None, ory_session: Session | None = None, **_: Any
    ) -> AbstractBaseUser | None:
        """The user of ``ory_session``'s identity (``None`` without one)."""
        if not ory_session or ory_session.identity is None:  # falsy: the lazy "no session"
            return None
        identity = ory_session.identity
        fields = _user_fields()(identity)
        model = get_user_model()
        username: str = str(getattr(model, "USERNAME_FIELD", "username"))
        lookup: dict[str, Any] = {username: identity.id}
        user, created = model._default_manager.get_or_create(**lookup, defaults=fields)
        if not created:
            changed = [k for k, v in fields.items() if getattr(user, k) != v]
            for name in changed:
                setattr(user, name, fields[name])
            if changed:
                user.save(update_fields=changed)
        return user

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        """The user with this primary key, if any."""
        model = get_user_model()
        try:
            return model._default_manager.get(pk=user_id)
        except model.DoesNotExist:
            return None


def _user_fields() -> Callable[[Identity], dict[str, Any]]:
    chosen = getattr(settings, "ORY_USER_FIELDS", None)
    if chosen is None:
        return default_user_fields
    if isinstance(chosen, str):
        return cast(Callable[[Identity], dict[str, Any]], import_string(chosen))
    return cast(Callable[[Identity], dict[str, Any]], chosen)
