"""The reviewer's name kept for the browser session: the cookie value round-trips and cannot break out of its script."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from dashboard.review_ui import _cookie_script, read_reviewer_cookie, reviewer_cookie

HOSTILE = 'Ana "</script><script>alert(1)</script>; path=/evil'


def test_name_and_left_off_round_trip() -> None:
    left_off = datetime(2023, 2, 2, 9, 30, tzinfo=UTC)
    assert read_reviewer_cookie(reviewer_cookie("Ana Lopez", left_off)) == ("Ana Lopez", left_off)
    assert read_reviewer_cookie(reviewer_cookie("Bo", None)) == ("Bo", None)


def test_a_hostile_name_is_quoted_into_harmless_characters() -> None:
    value = reviewer_cookie(HOSTILE, None)
    assert re.fullmatch(r"[A-Za-z0-9%._~-]+", value), value
    assert read_reviewer_cookie(value) == (HOSTILE, None)
    script = _cookie_script(value)
    assert script == f'<script>document.cookie = "events_reviewer={value}; path=/; SameSite=Strict";</script>'
    assert _cookie_script(None) == ('<script>document.cookie = "events_reviewer=; path=/; max-age=0; '
                                    'SameSite=Strict";</script>')


@pytest.mark.parametrize("value", [None, "", "not json", "%7B%7D", "%5B1%5D", "%7B%22name%22%3A%22%20%22%7D",
                                   "%7B%22name%22%3A%22Ana%22%2C%22left_off%22%3A%22yesterday%22%7D"])
def test_anything_else_is_ignored(value: str | None) -> None:
    assert read_reviewer_cookie(value) is None
