"""Interval and jitter options as a user types them."""

from __future__ import annotations

import random

import pytest

from ticketops.schedule.interval import jitter_seconds, next_delay, parse_duration


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("90", 90)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["5x", "m5", "", "5m 3s", "-1m"])
def test_bad_durations_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match="30s, 5m, 1h"):
        parse_duration(text)


def test_jitter_is_a_share_of_the_interval_or_a_duration() -> None:
    assert jitter_seconds("10%", 300) == 30
    assert jitter_seconds("20s", 300) == 20
    assert jitter_seconds("2h", 300) == 300  # never more than the interval
    with pytest.raises(ValueError):
        jitter_seconds("150%", 300)


def test_seeded_jitter_is_reproducible_and_stays_in_bounds() -> None:
    first, second = random.Random(7), random.Random(7)
    a = [next_delay(300, 30, first) for _ in range(50)]
    b = [next_delay(300, 30, second) for _ in range(50)]
    assert a == b
    assert all(270 <= d <= 330 for d in a) and len(set(a)) > 1
