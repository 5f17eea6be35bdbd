"""Entry point: ``ticketops reconcile --every 5m``, a reconcile pass on an interval.

- :mod:`.interval`: ``30s`` / ``5m`` / ``1h`` and the jitter (``10%`` or a duration).
- :mod:`.stopping`: SIGTERM/SIGINT set a stop flag; nothing is interrupted mid-action.
- :mod:`.boardpass`: one pass: re-read the desired state, check both sides for changes
  (incremental), plan, and reconcile under the lease when something changed.
- :mod:`.loop`: the interval loop and its one-line summaries.
"""
