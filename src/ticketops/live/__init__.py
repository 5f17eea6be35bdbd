"""Layer ``live``: read ADO's current state through the client and turn wire DTOs into
``ticketops.model.live`` models. Reads in bulk (one WIQL + batches of 200); never one GET per
ticket.
"""

from ticketops.live.convert import field_authors, live_item, type_info
from ticketops.live.git_reader import GitReader
from ticketops.live.reader import LiveReader, identities_needed

__all__ = ["GitReader", "LiveReader", "field_authors", "identities_needed", "live_item", "type_info"]
