"""Helpers for tests/lease: a run's local clock, and boards in real git repositories."""

from __future__ import annotations


class Ticks:
    """A run's local clock for the lease deadline: moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
