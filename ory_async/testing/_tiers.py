"""Ory Network's per-bucket limits by tier and environment (generated, do not edit).

Made by ``tools/gen_bucket_table.py`` from the data behind the "Project rate limits"
table of Ory's documentation: ``(tier, environment) -> bucket -> (rps, rpm)``.
"""

from __future__ import annotations

from typing import Final

TIERS: Final[dict[tuple[str, str], dict[str, tuple[int, int]]]] = {
    ("Developer", "Development"): {
        "kratos-admin-high": (5, 40),
        "kratos-admin-low": (5, 80),
        "kratos-admin-medium": (5, 25),
        "kratos-public-high": (19, 450),
        "kratos-public-low": (5, 20),
        "kratos-public-medium": (5, 100),
    },
    ("Enterprise", "Development"): {
        "kratos-admin-high": (5, 80),
        "kratos-admin-low": (8, 175),
        "kratos-admin-medium": (5, 60),
        "kratos-public-high": (39, 950),
        "kratos-public-low": (5, 40),
        "kratos-public-medium": (9, 200),
    },
    ("Enterprise", "Production"): {
        "kratos-admin-high": (45, 1100),
        "kratos-admin-low": (35, 850),
        "kratos-admin-medium": (17, 400),
        "kratos-public-high": (601, 15000),
        "kratos-public-low": (25, 600),
        "kratos-public-medium": (121, 3000),
    },
    ("Enterprise", "Staging"): {
        "kratos-admin-high": (5, 80),
        "kratos-admin-low": (8, 175),
        "kratos-admin-medium": (5, 60),
        "kratos-public-high": (39, 950),
        "kratos-public-low": (5, 40),
        "kratos-public-medium": (9, 200),
    },
    ("Growth", "Development"): {
        "kratos-admin-high": (5, 80),
        "kratos-admin-low": (8, 175),
        "kratos-admin-medium": (5, 60),
        "kratos-public-high": (39, 950),
        "kratos-public-low": (5, 40),
        "kratos-public-medium": (9, 200),
    },
    ("Growth", "Production"): {
        "kratos-admin-high": (23, 550),
        "kratos-admin-low": (18, 425),
        "kratos-admin-medium": (9, 200),
        "kratos-public-high": (181, 4500),
        "kratos-public-low": (9, 200),
        "kratos-public-medium": (41, 1000),
    },
    ("Growth", "Staging"): {
        "kratos-admin-high": (5, 80),
        "kratos-admin-low": (8, 175),
        "kratos-admin-medium": (5, 60),
        "kratos-public-high": (39, 950),
        "kratos-public-low": (5, 40),
        "kratos-public-medium": (9, 200),
    },
    ("Production", "Development"): {
        "kratos-admin-high": (5, 80),
        "kratos-admin-low": (8, 175),
        "kratos-admin-medium": (5, 60),
        "kratos-public-high": (39, 950),
        "kratos-public-low": (5, 40),
        "kratos-public-medium": (9, 200),
    },
    ("Production", "Production"): {
        "kratos-admin-high": (5, 80),
        "kratos-admin-low": (8, 175),
        "kratos-admin-medium": (5, 90),
        "kratos-public-high": (57, 1400),
        "kratos-public-low": (5, 60),
        "kratos-public-medium": (14, 325),
    },
    ("Production", "Staging"): {
        "kratos-admin-high": (5, 80),
        "kratos-admin-low": (8, 175),
        "kratos-admin-medium": (5, 60),
        "kratos-public-high": (39, 950),
        "kratos-public-low": (5, 40),
        "kratos-public-medium": (9, 200),
    },
}
