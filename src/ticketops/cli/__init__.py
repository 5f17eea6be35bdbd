"""Entry points. Each ``ticketops.cli.cmd_*`` module is one sub-command.

A command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
Modules are discovered, so adding a command never edits a shared list.
"""
