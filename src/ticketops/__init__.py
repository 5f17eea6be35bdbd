"""ticketops: a Git-native GitOps reconciler for Azure DevOps.

Tickets are files in git (``.tickets/KEY.md``); Azure DevOps is their mirror.
"""

__version__ = "0.1.0"
