"""Ory Network's per-bucket limits by tier and environment (generated, do not edit).

Made by ``tools/gen_bucket_table.py`` from the data behind the "Project rate limits"
table of Ory's documentation: ``(tier, environment) -> (rps, rpm, rps, rpm, ...)``, a
pair for each bucket of :data:`TIER_BUCKETS`, in that order.
"""

from __future__ import annotations

from typing import Final

TIER_BUCKETS: Final[tuple[str, ...]] = (
    "kratos-admin-high",
    "kratos-admin-low",
    "kratos-admin-medium",
    "kratos-public-high",
    "kratos-public-low",
    "kratos-public-medium",
)

TIERS: Final[dict[tuple[str, str], tuple[int, ...]]] = {
    ("Developer", "Development"): (5, 40, 5, 80, 5, 25, 19, 450, 5, 20, 5, 100),
    ("Enterprise", "Development"): (5, 80, 8, 175, 5, 60, 39, 950, 5, 40, 9, 200),
    ("Enterprise", "Production"): (45, 1100, 35, 850, 17, 400, 601, 15000, 25, 600, 121, 3000),
    ("Enterprise", "Staging"): (5, 80, 8, 175, 5, 60, 39, 950, 5, 40, 9, 200),
    ("Growth", "Development"): (5, 80, 8, 175, 5, 60, 39, 950, 5, 40, 9, 200),
    ("Growth", "Production"): (23, 550, 18, 425, 9, 200, 181, 4500, 9, 200, 41, 1000),
    ("Growth", "Staging"): (5, 80, 8, 175, 5, 60, 39, 950, 5, 40, 9, 200),
    ("Production", "Development"): (5, 80, 8, 175, 5, 60, 39, 950, 5, 40, 9, 200),
    ("Production", "Production"): (5, 80, 8, 175, 5, 90, 57, 1400, 5, 60, 14, 325),
    ("Production", "Staging"): (5, 80, 8, 175, 5, 60, 39, 950, 5, 40, 9, 200),
}
