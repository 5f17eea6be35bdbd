"""Secrets never appear in logs, errors, reprs or files we write.

Every token the process learns is registered here; :func:`redact` removes registered values
and anything that looks like an ``Authorization`` header value.
"""

from __future__ import annotations

import base64
import logging
import re
import threading

_lock = threading.Lock()
_secrets: set[str] = set()
MASK = "***"

_AUTH_RE = re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9._~+/=-]{8,}")


def register_secret(value: str | None) -> None:
    """Remember ``value`` (and its Basic-auth encodings) so :func:`redact` can hide it."""
    if not value or len(value) < 4:
        return
    forms = {value, base64.b64encode(f":{value}".encode()).decode()}
    with _lock:
        _secrets.update(forms)


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for s in secrets:
        if s in text:
            text = text.replace(s, MASK)
    return _AUTH_RE.sub(lambda m: f"{m.group(1)} {MASK}", text)


class Secret:
    """A string that never shows itself in ``repr``/``str``/logs. Use :meth:`reveal` to send it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register_secret(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


class RedactingFilter(logging.Filter):
    """A logging filter that runs :func:`redact` over every record's final message.

    The message is formatted once (``msg % args``) and replaced, so tokens hidden in
    arguments or exception text never reach a handler.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install_log_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Redact every record that reaches ``logger``'s handlers (default: the root logger).

    Logger filters only run for records logged on that very logger, so the filter is put on
    the logger *and* on each of its handlers (records from child loggers reach handlers
    directly). Calling it again is harmless.
    """
    target = logger if logger is not None else logging.getLogger()
    if _FILTER not in target.filters:
        target.addFilter(_FILTER)
    for handler in target.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    return _FILTER
