"""String lengths as Azure DevOps (.NET) counts them: UTF-16 code units, not code points.

An emoji or any other character outside the Basic Multilingual Plane is one Python character
but two .NET ``char``s, so every length limit the service enforces (a 255-character title, a
4,000-character pull request description, the 400-character cut of list descriptions) is
measured here, never with ``len()``.
"""

from __future__ import annotations


def units(text: str) -> int:
    """The length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cut(text: str, limit: int) -> str:
    """The longest prefix of ``text`` that is at most ``limit`` UTF-16 code units long.

    A character that would straddle the limit (half of a surrogate pair) is left out rather than
    split: the result is always valid text that encodes to UTF-8.
    """
    if len(text) * 2 <= limit or units(text) <= limit:
        return text
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return text[:i]
    return text
