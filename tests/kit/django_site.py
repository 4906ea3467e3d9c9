"""A small Django site for the integration's tests: settings, views and URLs in one module."""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import path
from django.views import View

from ory_async.contrib.django import SessionRequiredMixin, get_ory, session_required


def configure() -> None:
    """Configure Django once per process (the tests override ORY_* per test)."""
    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY="tests-only-not-a-secret",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        MIDDLEWARE=["ory_async.contrib.django.OryMiddleware"],
        AUTHENTICATION_BACKENDS=["ory_async.contrib.django.backends.OryBackend"],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {"context_processors": ["ory_async.contrib.django.self_service_urls"]},
            }
        ],
    )
    django.setup()


def identity_of(request: HttpRequest) -> str | None:
    session: Any = request.ory_session  # type: ignore[attr-defined]
    return session.identity.id if session else None


def lazy(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"identity": identity_of(request), "client": repr(get_ory())[:5]})


async def lazy_async(request: HttpRequest) -> JsonResponse:
    session = await request.aory_session()  # type: ignore[attr-defined]
    return JsonResponse({"identity": session.identity.id if session else None})


@session_required()
def me(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"identity": identity_of(request)})


@session_required(aal="aal2")
def billing(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"aal": str(request.ory_session.authenticator_assurance_level)})  # type: ignore[attr-defined]


@session_required()
async def me_async(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"identity": identity_of(request)})


class Settings(SessionRequiredMixin, View):
    ory_aal = "aal2"

    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse({"identity": identity_of(request)})


class Profile(SessionRequiredMixin, View):
    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse({"identity": identity_of(request)})


class AsyncProfile(SessionRequiredMixin, View):
    async def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse({"identity": identity_of(request)})


def links(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string("{{ ory_urls.login }}|{{ ory_urls.recovery }}")
    return HttpResponse(template.render({}, request))


@session_required()
def forget(request: HttpRequest) -> HttpResponse:
    response = HttpResponse()
    response.delete_cookie("ory_kratos_session")
    return response


def logout_link(request: HttpRequest) -> HttpResponse:
    # Two renders in one request: Ory is asked for the logout URL once.
    template = engines["django"].from_string("{{ ory_urls.logout }}")
    return HttpResponse(template.render({}, request) + "|" + template.render({}, request))


def user(request: HttpRequest) -> JsonResponse:
    from django.contrib.auth import authenticate

    found = authenticate(request, ory_session=request.ory_session)  # type: ignore[attr-defined]
    if found is None:
        return JsonResponse({"user": None})
    return JsonResponse({"user": found.get_username(), "email": getattr(found, "email", None)})


urlpatterns = [
    path("lazy", lazy),
    path("lazy-async", lazy_async),
    path("me", me),
    path("me-async", me_async),
    path("billing", billing),
    path("settings", Settings.as_view()),
    path("profile", AsyncProfile.as_view()),
    path("profile-sync", Profile.as_view()),
    path("links", links),
    path("logout-link", logout_link),
    path("forget", forget),
    path("user", user),
]
