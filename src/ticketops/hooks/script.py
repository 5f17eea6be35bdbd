"""The hook scripts we write, and how we recognise them later.

A script is POSIX ``sh``. It runs ticketops with the Python interpreter that installed it
(``<python> -m ticketops``), falling back to ``ticketops`` on PATH. A chained hook (the one that
was there before, renamed to ``<hook>.ticketops-chained``) runs first with the same arguments and
the same standard input; pre-push input can be read only once, so the script buffers it in a
temporary file. The marker comment tells ``hooks uninstall`` the script is ours.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

MARKER = "# ticketops-managed-hook:"
CHAINED_MARKER = "# ticketops-chained:"
CHAINED_SUFFIX = ".ticketops-chained"
HOOK_NAMES = ("pre-push", "post-commit")


def chained_name(hook: str) -> str:
    return f"{hook}{CHAINED_SUFFIX}"


@dataclass(frozen=True)
class OurHook:
    """What the marker lines of one of our scripts say."""

    hook: str
    chained: str | None  # file name of the chained hook, in the same folder


def parse(text: str) -> OurHook | None:
    """``OurHook`` when ``text`` is a script we wrote, else None."""
    hook = chained = None
    for line in text.splitlines()[:12]:
        if line.startswith(MARKER):
            hook = line.removeprefix(MARKER).strip()
        elif line.startswith(CHAINED_MARKER):
            chained = line.removeprefix(CHAINED_MARKER).strip() or None
    if hook not in HOOK_NAMES:
        return None
    return OurHook(hook=hook, chained=chained)


_RUNNER = """\
run_ticketops() {
    if [ -x "$TICKETOPS_PYTHON" ]; then
        "$TICKETOPS_PYTHON" -m ticketops "$@"
    elif command -v ticketops >/dev/null 2>&1; then
        ticketops "$@"
    else
        echo "ticketops hook: cannot run ticketops: $TICKETOPS_PYTHON is gone and ticketops is not on PATH." >&2
        echo "Reinstall the hook with 'ticketops hooks install' or remove it with 'ticketops hooks uninstall'." >&2
        return 1
    fi
}
"""

_PRE_PUSH = """\
stdin_file=$(mktemp "${TMPDIR:-/tmp}/ticketops-pre-push.XXXXXX") || exit 1
trap 'rm -f "$stdin_file"' EXIT
trap 'exit 130' HUP INT TERM
cat > "$stdin_file"
if [ -n "$CHAINED" ] && [ -x "$CHAINED" ]; then
    "$CHAINED" "$@" < "$stdin_file" || exit $?
fi
run_ticketops hooks run pre-push "$@" < "$stdin_file"
exit $?
"""

_POST_COMMIT = """\
status=0
if [ -n "$CHAINED" ] && [ -x "$CHAINED" ]; then
    "$CHAINED" "$@"
    status=$?
fi
run_ticketops hooks run post-commit "$@" || true
exit $status
"""


def render(hook: str, python: str, chained: str | None) -> str:
    """The script for ``hook``; ``chained`` is the file name of the previous hook, if any."""
    if hook not in HOOK_NAMES:
        raise ValueError(f"unknown hook {hook!r}")
    chained_line = f"{CHAINED_MARKER} {chained}\n" if chained else ""
    chained_var = f'"$(dirname "$0")"/{shlex.quote(chained)}' if chained else '""'
    body = _PRE_PUSH if hook == "pre-push" else _POST_COMMIT
    return (
        "#!/bin/sh\n"
        f"{MARKER} {hook}\n"
        f"{chained_line}"
        "# Written by `ticketops hooks install`; `ticketops hooks uninstall` removes it"
        + (" and puts the chained hook back" if chained else "")
        + ".\n"
        f"TICKETOPS_PYTHON={shlex.quote(python)}\n"
        f"CHAINED={chained_var}\n"
        "\n"
        f"{_RUNNER}\n"
        f"{body}"
    )
