"""Git hooks: install/uninstall our hook scripts, and what they run.

Entry-point layer (like ``cli``): it reads tickets through ``ticketops.desired`` and plans (or
applies) the pushed tip through :func:`ticketops.hooks.planning.plan_tip`, which runs the
``ticketops plan|apply`` command of the reconcile engine in a child process.

- :mod:`.locate`: the repository, its hooks folder (``core.hooksPath``) and the tickets folder
  (``git config ticketops.path``).
- :mod:`.script` / :mod:`.install`: the hook scripts and ``hooks install`` / ``hooks uninstall``.
- :mod:`.pushrefs`: the refs git is pushing and the commits each one sends.
- :mod:`.validation`: validate ``.tickets/`` at those commits.
- :mod:`.planning`: ``plan_tip``, the one integration point with the engine.
- :mod:`.prepush` / :mod:`.postcommit`: what ``hooks run pre-push|post-commit`` do.
"""
