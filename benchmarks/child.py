"""Runs one measurement in this (fresh) process and prints its result as JSON.

``python -m benchmarks.child '{"workload": "walk", "client": "ory_async", ...}'``; the
orchestrator (:mod:`benchmarks.run`) starts one per client and round, so every client
starts cold and its peak RSS is its own. Wrong data exits with status 3.
"""

from __future__ import annotations

import json
import sys
from itertools import cycle, islice
from typing import Any

from . import blocking, decode, get_identity, get_many, memory, payloads, readahead, walk, whoami
from .common import WrongData
from .server import pin_to_cpu


def measure(spec: dict[str, Any]) -> dict[str, float]:
    """Run the measurement ``spec`` describes."""
    workload, client = spec["workload"], spec["client"]
    if workload == "get":
        pool = payloads.identity_ids(spec["identities"])[: spec["get_pool"]]
        ids = list(islice(cycle(pool), spec["requests"]))
        return get_identity.run(
            client, spec["base"], ids, concurrency=spec["concurrency"], threads=spec["threads"]
        )
    if workload in ("blocking-get", "threads-get"):
        pool = payloads.identity_ids(spec["identities"])[: spec["get_pool"]]
        count = spec["blocking_requests"]
        ids = list(islice(cycle(pool), count))
        return blocking.run(workload, client, spec["base"], ids, threads=spec["threads"])
    if workload == "walk":
        kind = spec["kind"]
        expected = (
            payloads.identity_ids(spec["identities"])
            if kind == "identities"
            else payloads.session_ids(spec["sessions"])
        )
        return walk.run(client, spec["base"], kind, expected)
    if workload == "get_many":
        ids = payloads.identity_ids(spec["identities"])[: spec["many_pool"]]
        return get_many.run(client, spec["base"], ids)
    if workload == "decode":
        return decode.run(client, spec["kind"], budget=spec["budget"])
    if workload in ("lag-walk", "lag-walk-prefetch"):
        return readahead.run(
            client,
            spec["base"],
            payloads.identity_ids(spec["lag_identities"]),
            latency_ms=spec["latency_ms"],
            prefetch=workload == "lag-walk-prefetch",
        )
    if workload == "memory":
        count, checksum = payloads.SyntheticIdentities(spec["memory_walk"], 250).ids_checksum()
        return memory.run(client, spec["base"], count, checksum, mark=spec["memory_mark"])
    if workload in ("whoami", "whoami-cached"):
        return whoami.run(
            client, spec["base"], checks=spec["whoami_checks"], cached=workload == "whoami-cached"
        )
    msg = f"unknown workload {workload!r}"
    raise ValueError(msg)


def main() -> None:
    pin_to_cpu(0)
    try:
        result = measure(json.loads(sys.argv[1]))
    except WrongData as exc:
        print(f"WRONG DATA: {exc}", file=sys.stderr)
        sys.exit(3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
