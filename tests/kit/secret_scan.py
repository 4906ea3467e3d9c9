"""Every text an exception can turn into, for the secrets scan.

An error is printed in many ways: ``str``, ``repr``, its args and notes, a traceback
with its whole ``__cause__``/``__context__`` chain, a log record with ``exc_info``, and
again after a pickle (a process pool) or copy round trip. :func:`texts_of` gathers
them all so a test can assert that no credential appears in any.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import pickle
import traceback
from collections.abc import Iterable

__all__ = ["leaks", "texts_of"]


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        current = todo.pop()
        if any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
        if isinstance(current, BaseExceptionGroup):
            todo += list(current.exceptions)
    return seen


def _one(exc: BaseException) -> list[str]:
    texts = [str(exc), repr(exc), repr(exc.args), *getattr(exc, "__notes__", [])]
    texts += [repr(v) for v in vars(exc).values() if isinstance(v, str)]
    for attr in ("reason", "message"):
        value = getattr(exc, attr, None)
        if isinstance(value, str):
            texts.append(value)
    error = getattr(exc, "error", None)
    if error is not None:
        texts.append(repr(error))
    return texts


def texts_of(exc: BaseException) -> list[str]:
    """Every text ``exc`` and its chain can print as, including after round trips."""
    texts = ["".join(traceback.format_exception(exc))]
    record = logging.LogRecord(
        "t", logging.ERROR, __file__, 1, "failed", (), (type(exc), exc, None)
    )
    texts.append(logging.Formatter().format(record))
    for link in _chain(exc):
        texts += _one(link)
        for round_trip in (_pickled, copy.copy, copy.deepcopy):
            # Not every foreign exception survives a round trip; ours are tested for it.
            with contextlib.suppress(Exception):
                texts += _one(round_trip(link))
    return texts


def _pickled(exc: BaseException) -> BaseException:
    again: BaseException = pickle.loads(pickle.dumps(exc))
    return again


def leaks(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """The texts that contain any of ``secrets``."""
    wanted = [s for s in secrets if s]
    return [t for t in texts if any(s in t for s in wanted)]
