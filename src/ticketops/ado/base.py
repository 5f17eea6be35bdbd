"""What every API mixin shares: the requester, paging helpers and the bounded fan-out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from ticketops.ado.dto.common import ListEnvelope
from ticketops.ado.requester import ParamValue, Requester, UnexpectedResponse
from ticketops.ado.routes import Route

T = TypeVar("T")
R = TypeVar("R")
MAX_PAGES = 10_000  # a server that never stops paging is a bug, not an endless loop


class ApiBase:
    _req: Requester
    _max_concurrency: int

    def _fan_out(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[fn(x) for x in items]`` on at most ``max_concurrency`` threads, results in order."""
        if len(items) <= 1 or self._max_concurrency <= 1:
            return [fn(x) for x in items]
        workers = min(self._max_concurrency, len(items))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ticketops-ado") as pool:
            return list(pool.map(fn, items))

    def _list(
        self,
        route: Route,
        item: type[T],
        *,
        path: Mapping[str, str | int],
        params: Mapping[str, ParamValue] | None = None,
    ) -> list[T]:
        """A ``{count, value}`` list in one call."""
        envelope = ListEnvelope[item]  # type: ignore[valid-type]  # a generic model parametrised at run time
        return list(self._req.call(route, path=path, params=params).parse(envelope).value)

    def _list_continuation(
        self,
        route: Route,
        item: type[T],
        *,
        path: Mapping[str, str | int],
        params: Mapping[str, ParamValue] | None = None,
    ) -> list[T]:
        """Follow ``x-ms-continuationtoken`` (sent back as ``continuationToken``) to the end."""
        envelope = ListEnvelope[item]  # type: ignore[valid-type]  # a generic model parametrised at run time
        out: list[T] = []
        token: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            query = dict(params or {})
            if token:
                query["continuationToken"] = token
            response = self._req.call(route, path=path, params=query)
            out.extend(response.parse(envelope).value)
            token = response.continuation_token
            if not token:
                return out
            if token in seen:
                raise UnexpectedResponse("the server repeated a continuation token", operation=route.operation)
            seen.add(token)
        raise UnexpectedResponse("too many pages", operation=route.operation)

    def _list_skip_top(
        self,
        route: Route,
        item: type[T],
        *,
        path: Mapping[str, str | int],
        params: Mapping[str, ParamValue] | None = None,
        page_size: int = 100,
    ) -> list[T]:
        """Page with ``$top``/``$skip`` until a short page."""
        envelope = ListEnvelope[item]  # type: ignore[valid-type]  # a generic model parametrised at run time
        out: list[T] = []
        for _ in range(MAX_PAGES):
            query = {**(params or {}), "$top": page_size, "$skip": len(out)}
            page = self._req.call(route, path=path, params=query).parse(envelope).value
            out.extend(page)
            if len(page) < page_size:
                return out
        raise UnexpectedResponse("too many pages", operation=route.operation)
