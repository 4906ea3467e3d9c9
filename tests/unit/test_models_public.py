from __future__ import annotations

import inspect

import attrs

import ory_async.models as models


def test_every_public_name_is_exported_and_documented() -> None:
    for name in models.__all__:
        obj = getattr(models, name)
        if inspect.isclass(obj) and obj.__module__.startswith("ory_async.models"):
            assert obj.__doc__, f"{name} has no docstring"
            if attrs.has(obj):
                params = attrs.fields(obj)
                assert all(a.kw_only for a in params), name
                assert obj.__setattr__ is not object.__setattr__, f"{name} is not frozen"
                assert "__slots__" in obj.__dict__, f"{name} has no slots"


def test_submodule_names_are_all_re_exported() -> None:
    from ory_async.models import (
        batch,
        common,
        courier,
        durations,
        flows,
        frontend,
        identities,
        native,
        recovery,
        schemas,
        sessions,
        ui,
        v0,
    )

    for module in (
        batch,
        common,
        courier,
        durations,
        flows,
        frontend,
        identities,
        native,
        recovery,
        schemas,
        sessions,
        ui,
        v0,
    ):
        missing = set(module.__all__) - set(models.__all__)
        assert not missing, f"{module.__name__}: {sorted(missing)}"
