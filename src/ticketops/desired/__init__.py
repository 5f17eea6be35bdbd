"""Layer 1: the desired state, read from git (or the working tree) and validated.

``load()`` is what the reconciler uses, ``check()`` is what ``validate`` uses, and
``parse_ticket()`` checks one file's bytes (watch mode, hooks).
"""

from ticketops.desired.configfile import CONFIG_NAME, parse_config
from ticketops.desired.loader import blob_id, check, load, snapshot
from ticketops.desired.source import TICKETS_DIR
from ticketops.desired.ticketfile import MAX_FILE_BYTES, parse_ticket

__all__ = [
    "CONFIG_NAME",
    "MAX_FILE_BYTES",
    "TICKETS_DIR",
    "blob_id",
    "check",
    "load",
    "parse_config",
    "parse_ticket",
    "snapshot",
]
