"""An in-memory Azure DevOps that speaks the real REST wire format (think moto/LocalStack).

Tests, benchmarks and the demo run against it; the reconciler core never imports it::

    from ticketops.emulator import Emulator, Seed

    with Emulator() as emu:
        client = httpx.Client(transport=emu.transport, base_url=emu.url)
"""

from ticketops.emulator.app import Emulator
from ticketops.emulator.clock import ManualClock, SystemClock
from ticketops.emulator.log import RequestLog, RequestRecord
from ticketops.emulator.seed import Seed, SeedProject, SeedRepo, SeedUser

__all__ = [
    "Emulator",
    "ManualClock",
    "RequestLog",
    "RequestRecord",
    "Seed",
    "SeedProject",
    "SeedRepo",
    "SeedUser",
    "SystemClock",
]
