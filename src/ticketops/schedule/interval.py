"""Durations on the command line: ``30s``, ``5m``, ``1h``, ``1h30m``; jitter as ``10%`` or a duration."""

from __future__ import annotations

import argparse
import random
import re

_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
MIN_INTERVAL = 1.0


def parse_duration(text: str) -> float:
    """Seconds in ``text`` (``30s``, ``5m``, ``1h``, ``1h30m``; a bare number is seconds)."""
    s = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    pos, total = 0, 0.0
    for m in _PART.finditer(s):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNIT[m.group(2)]
        pos = m.end()
    if pos != len(s) or not s:
        raise ValueError(f"{text!r} is not a duration; write it as 30s, 5m, 1h or 1h30m")
    return total


def interval_arg(text: str) -> float:
    """argparse type for ``--every``."""
    try:
        seconds = parse_duration(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    if seconds < MIN_INTERVAL:
        raise argparse.ArgumentTypeError(f"{text!r} is too short; the interval is at least {MIN_INTERVAL:g}s")
    return seconds


def duration_arg(text: str) -> float:
    """argparse type for a duration >= 0 (``--lease-wait``)."""
    try:
        return parse_duration(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def jitter_arg(text: str) -> str:
    """argparse type for ``--jitter``: checked here, resolved against the interval later."""
    try:
        jitter_seconds(text, 60.0)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def jitter_seconds(text: str, interval: float) -> float:
    """``10%`` of ``interval``, or a duration. Never more than the interval itself."""
    s = text.strip()
    if s.endswith("%"):
        try:
            pct = float(s[:-1])
        except ValueError:
            raise ValueError(f"{text!r} is not a percentage; write it as 10%") from None
        if not 0 <= pct <= 100:
            raise ValueError(f"--jitter {text!r}: a percentage from 0% to 100%")
        return interval * pct / 100
    return min(parse_duration(s), interval)


def next_delay(interval: float, jitter: float, rng: random.Random) -> float:
    """The wait before the next pass: ``interval`` plus or minus up to ``jitter`` seconds."""
    return max(0.0, interval + rng.uniform(-jitter, jitter))
