"""Benchmarks of ory_async against Ory's generated SDKs and a raw aiohttp + orjson floor.

``make bench`` runs them (see ``README.md`` here); ``tests/test_bench_smoke.py`` runs a
tiny version of each workload in ``make test`` to check the results, never the times.
"""
