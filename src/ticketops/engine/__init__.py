"""Layer ``engine``: one reconcile pass (read desired, read live, plan, apply) and the loop
that repeats it until the plan is empty. Entry points (cli, hooks, watch, schedule) use this.
"""

from ticketops.engine.reconciler import DEFAULT_MAX_PASSES, Engine, PassResult, ReconcileResult

__all__ = ["DEFAULT_MAX_PASSES", "Engine", "PassResult", "ReconcileResult"]
