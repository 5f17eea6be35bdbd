"""The location service's resource areas (``GET _apis/ResourceAreas``); ``OPTIONS _apis`` is
answered by the app before routing (it has no ``_apis/<resource>`` path)."""

from __future__ import annotations

from ticketops.emulator.locations import resource_areas
from ticketops.emulator.router import Ctx, EmuResponse, Route

AREAS_VERSION = "7.1-preview.1"


def areas_list(ctx: Ctx) -> EmuResponse:
    return resource_areas(ctx.org_base)


def area_get(ctx: Ctx) -> EmuResponse:
    return resource_areas(ctx.org_base, ctx.param("areaId"))


ROUTES = [
    Route("GET", "ResourceAreas", "Resource Areas_List", areas_list, "org", api_version=AREAS_VERSION),
    Route("GET", "ResourceAreas/{areaId}", "Resource Areas_Get", area_get, "org", api_version=AREAS_VERSION),
]
