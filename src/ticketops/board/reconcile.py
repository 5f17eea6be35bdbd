""" "Reconcile now": the same guarded reconcile as ``ticketops reconcile`` (plan, then under the
lease apply until converged), its outcome lines streamed as they happen."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from ticketops.ado import AdoClient, AdoError
from ticketops.ado.redact import redact
from ticketops.apply import Outcome
from ticketops.engine.guarded import LeaseOptions
from ticketops.engine.runner import PassRunner, RunOptions
from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.errors import TicketopsError
from ticketops.plan import summary_line

_DONE = object()


def outcome_line(o: Outcome) -> str:
    item = f" #{o.id}" if o.id is not None else ""
    return f"{o.key}: {o.kind}{item} {o.status}" + (f": {o.message}" if o.message else "")


def reconcile_lines(
    desired: DesiredState,
    client_for: Callable[[BoardConfig], AdoClient],
    *,
    lease: LeaseOptions | None = None,
    done: Callable[[], None] = lambda: None,
) -> Iterator[str]:
    """Run the reconcile in a thread; yield one line per outcome, then the verdict."""
    lines: queue.Queue[object] = queue.Queue()
    cancel = threading.Event()

    def work() -> None:
        try:
            options = RunOptions(lease=lease or LeaseOptions(purpose="board"), notify=lines.put)
            with PassRunner(client_for, options) as runner:  # the runner of every trigger
                guarded = runner.reconcile(desired, cancel, progress=lambda o: lines.put(outcome_line(o)))
            result = guarded.result
            if result.converged:
                lines.put(
                    f"converged after {len(result.passes)} pass(es): {summary_line(result.final_plan).rstrip('.')}; "
                    f"{result.writes} write request(s)"
                )
            else:
                lines.put(f"did not converge: {summary_line(result.final_plan).rstrip('.')}")
        except (TicketopsError, AdoError) as e:
            lines.put(f"error: {e}")
        finally:
            done()
            lines.put(_DONE)

    thread = threading.Thread(target=work, name="board-reconcile", daemon=True)
    thread.start()
    try:
        while (line := lines.get()) is not _DONE:
            yield redact(str(line)) + "\n"
    finally:
        cancel.set()  # the page went away: stop between two writes
