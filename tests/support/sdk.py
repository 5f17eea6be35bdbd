"""Microsoft's own Python SDK (``azure-devops==7.1.0b4``) driving the emulator (tests/sdk).

The SDK caches the location service's answers on disk (``~/.azure-devops``) at import time, so
the cache folder is pointed at a fresh temporary one before anything imports it: import the SDK
through this module.
"""

# ruff: noqa: E402  (the SDK is imported after its cache folder is set, below)
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_CACHE = tempfile.mkdtemp(prefix="ticketops-sdk-cache-")
os.environ["AZURE_DEVOPS_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)

from azure.devops.connection import Connection
from azure.devops.v7_1.core import CoreClient
from azure.devops.v7_1.git import GitClient
from azure.devops.v7_1.identity import IdentityClient
from azure.devops.v7_1.work_item_tracking import WorkItemTrackingClient
from msrest.authentication import BasicAuthentication

from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

PAT = "sdk-test-pat"


@dataclass
class Sdk:
    emu: Emulator
    url: str  # http://127.0.0.1:PORT/contoso
    connection: Connection

    @property
    def core(self) -> CoreClient:
        return self.connection.clients_v7_1.get_core_client()

    @property
    def wit(self) -> WorkItemTrackingClient:
        return self.connection.clients_v7_1.get_work_item_tracking_client()

    @property
    def git(self) -> GitClient:
        return self.connection.clients_v7_1.get_git_client()

    @property
    def identity(self) -> IdentityClient:
        return self.connection.clients_v7_1.get_identity_client()


@contextmanager
def sdk_session() -> Iterator[Sdk]:
    """A fresh emulator behind a real socket, and an SDK ``Connection`` to it, as the SDK's
    README shows: ``Connection(base_url=..., creds=BasicAuthentication('', pat))``."""
    from support.emulators import checked_emulator

    with checked_emulator(pat=PAT) as emu, EmulatorServer(emu) as srv:
        yield Sdk(emu, srv.url, Connection(base_url=srv.url, creds=BasicAuthentication("", PAT)))
