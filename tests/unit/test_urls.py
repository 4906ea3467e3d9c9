from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from ory_async._urls import build_query, join_path, parse_base_url, segment


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a/b", "a%2Fb"),
        ("../x", "..%2Fx"),
        ("?q", "%3Fq"),
        ("%2F", "%252F"),
        ("#frag", "%23frag"),
        ("ünï", "%C3%BCn%C3%AF"),
        ("a b+c", "a%20b%2Bc"),
        ("line\r\nbreak", "line%0D%0Abreak"),
        ("nul\x00", "nul%00"),
        ("%2e%2e", "%252e%252e"),
    ],
)
def test_segment_quotes_everything(value: str, encoded: str) -> None:
    assert segment(value) == encoded
    url = join_path(URL("http://127.0.0.1:4434"), "admin", "identities", segment(value))
    assert url.raw_path == f"/admin/identities/{encoded}"
    assert url.raw_query_string == ""
    assert url.raw_fragment == ""


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_segment_rejects_names_that_change_the_path(value: str) -> None:
    with pytest.raises(ValueError, match="non-empty string other than"):
        segment(value)


def test_segment_rejects_non_strings() -> None:
    with pytest.raises(TypeError, match="id must be a str, not int"):
        segment(5)  # type: ignore[arg-type]


def test_join_path_keeps_a_base_path_prefix() -> None:
    base = parse_base_url("https://proxy.example.com/kratos/")
    assert (
        str(join_path(base, "admin", "identities"))
        == "https://proxy.example.com/kratos/admin/identities"
    )


def test_build_query_repeats_list_keys_and_drops_none() -> None:
    pairs = build_query(
        {
            "expand": ["identity", "devices"],
            "active": True,
            "page_size": 5,
            "page_token": None,
            "x": False,
        }
    )
    assert pairs == [
        ("expand", "identity"),
        ("expand", "devices"),
        ("active", "true"),
        ("page_size", "5"),
        ("x", "false"),
    ]
    url = URL("http://127.0.0.1/admin/sessions").with_query(pairs)
    assert url.raw_query_string == "expand=identity&expand=devices&active=true&page_size=5&x=false"


def test_build_query_rejects_non_string_items() -> None:
    with pytest.raises(TypeError, match="ids must contain only str values"):
        build_query({"ids": ["a", 3]})  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("my-project.projects.oryapis.com", "absolute http"),
        ("ftp://host", "absolute http"),
        ("https://host.example.com/?x=1", "query string"),
        ("https://user:pw@host.example.com", "must not embed credentials"),
    ],
)
def test_parse_base_url_rejects_bad_urls(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_base_url(value)


@settings(max_examples=500, database=None, derandomize=True)
@given(value=st.text(min_size=1).filter(lambda v: v not in (".", "..")))
def test_segment_encodes_exactly_as_quote_with_nothing_safe(value: str) -> None:
    assert segment(value) == quote(value, safe="")


@pytest.mark.parametrize("value", ["7f3c0b7e-5c1a-4b1e-9a53-3f0c1f1d2e11", "a.b", "A_Z~0-9"])
def test_unreserved_ids_are_sent_as_they_are(value: str) -> None:
    assert segment(value) == value
