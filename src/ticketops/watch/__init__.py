"""Entry point: ``ticketops watch``, plan (or apply) the working tree on every change.

- :mod:`.evaluate`: one evaluation of the working tree (problems, plan, optional apply).
- :mod:`.loop`: the loop over change batches (``watchfiles.watch`` in production, any
  iterator in tests).
- :mod:`.view`: what the user sees: a rich live table on a terminal, plain lines otherwise.
"""
