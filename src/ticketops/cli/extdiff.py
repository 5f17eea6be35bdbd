"""``TICKETOPS_EXTERNAL_DIFF``: show a plan's long-text changes with the user's own diff tool,
as ``KUBECTL_EXTERNAL_DIFF`` does for kubectl: two folders, ``ADO/`` (what is in Azure DevOps)
and ``ticket/`` (what apply would write), one file per ticket and field (``PAY-1.description``),
and the tool run as ``TOOL [ARGS...] ADO ticket``. Its exit status is not ours: diff tools exit 1
when the sides differ."""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from ticketops.model.errors import TicketopsError
from ticketops.plan import Plan
from ticketops.plan.textdiff import text_changes

ENV = "TICKETOPS_EXTERNAL_DIFF"


def run_external_diff(plan: Plan, command: str) -> None:
    """Write both sides of every long-text change and run ``command`` on the two folders."""
    changes = text_changes(plan)
    if not changes:
        return
    argv = shlex.split(command)
    if not argv:
        raise TicketopsError(f"{ENV} is set but empty; unset it, or name a tool such as 'diff -u' or 'meld'")
    with tempfile.TemporaryDirectory(prefix="ticketops-diff-") as tmp:
        live, ticket = Path(tmp) / "ADO", Path(tmp) / "ticket"
        live.mkdir()
        ticket.mkdir()
        for c in changes:
            (live / c.file_name).write_text(c.old, encoding="utf-8")
            (ticket / c.file_name).write_text(c.new, encoding="utf-8")
        sys.stdout.flush()
        try:
            subprocess.run([*argv, "ADO", "ticket"], cwd=tmp, check=False)
        except OSError as e:
            raise TicketopsError(f"{ENV}={command!r}: cannot run {argv[0]!r} ({e.strerror or e})") from e
