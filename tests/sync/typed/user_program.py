"""A user's program with the blocking client and both integrations: mypy --strict reads it.

Never run; ``tests/sync/test_typing.py`` type-checks it and compares what mypy reveals.
"""

from __future__ import annotations

from typing import reveal_type

from django.http import HttpRequest, JsonResponse
from django.views import View
from flask import Flask, g

from ory_async import BearerToken
from ory_async.contrib.django import SessionRequiredMixin
from ory_async.contrib.django import self_service_urls as django_urls
from ory_async.contrib.django import session_required as django_session_required
from ory_async.contrib.flask import Ory, current_ory, current_session, self_service_urls
from ory_async.contrib.flask import session_required as flask_session_required
from ory_async.models import CreateIdentityBody, Identity
from ory_async.sync import OryClient


def script() -> None:
    with OryClient("http://127.0.0.1:4434", access_token="k", timeouts=5) as ory:
        created = ory.identities.create(CreateIdentityBody(schema_id="default", traits={}))
        reveal_type(created)
        reveal_type(ory.identities.get(created.id))
        pager = ory.identities.list(page_size=10)
        reveal_type(pager)
        for identity in pager:
            reveal_type(identity)
        for page in pager.prefetch(2).pages():
            reveal_type(page)
            reveal_type(page.next_page())
        reveal_type(pager.collect(limit=3))
        reveal_type(pager.first_page().items)
        with ory.identities.get_many([created.id]) as found:
            reveal_type(found)
            for one in found:
                reveal_type(one)
        with ory.identities.batch_create(
            [CreateIdentityBody(schema_id="default", traits={})]
        ) as results:
            for result in results:
                reveal_type(result)
        view = ory.with_auth(BearerToken("other"))
        reveal_type(view)
        reveal_type(view.sessions.whoami())
        reveal_type(ory.metadata.version())
        reveal_type(ory.sessions.manage("disable", identities=[created.id]))
        reveal_type(ory.ping())
        reveal_type(ory.with_raw_response(ory.identities.get)(created.id))
        reveal_type(OryClient.from_env(max_concurrency=4))


app = Flask(__name__)
ext = Ory(app)


@app.get("/me")
@flask_session_required(aal="aal2")
def me() -> dict[str, str]:
    identity: Identity | None = g.ory_session.identity
    session = current_session()
    reveal_type(session)
    reveal_type(current_ory())
    return {"id": identity.id if identity else ""}


reveal_type(me)


@django_session_required()
def django_me(request: HttpRequest) -> JsonResponse:
    return JsonResponse({})


reveal_type(django_me)


class Billing(SessionRequiredMixin, View):
    ory_aal = "aal2"


def links(request: HttpRequest) -> None:
    reveal_type(django_urls(request)["ory_urls"].logout)
    reveal_type(self_service_urls().login)
