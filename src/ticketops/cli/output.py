"""``-o json|table|tsv|yaml`` and ``--query`` (a JMESPath expression, as the az CLI has), in one place.

A command hands over its data as plain records (lists of dicts, or one dict) and a function that
draws its table; this module picks the format. ``--json`` stays as an alias of ``-o json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TypeAlias

from ticketops.model.errors import ConfigError

Scalar: TypeAlias = str | int | float | bool | None
Record: TypeAlias = Mapping[str, object]
Data: TypeAlias = Sequence[Record] | Record

FORMATS = ("table", "json", "tsv", "yaml")


def add_output_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        choices=FORMATS,
        default="table",
        help="output format (default: table); json, tsv (no header, tab-separated) and yaml are for scripts",
    )
    p.add_argument("--json", dest="output", action="store_const", const="json", help="the same as -o json")
    p.add_argument(
        "--query",
        metavar="JMESPATH",
        default=None,
        help="a JMESPath expression applied to the data before it is printed (as in the az CLI), "
        "e.g. \"[?status=='in-progress'].key\"",
    )


def emit(args: argparse.Namespace, data: Data, table: Callable[[], str]) -> None:
    """Print ``data`` in the format the arguments ask for (the table unless told otherwise)."""
    fmt: str = getattr(args, "output", "table")
    query: str | None = getattr(args, "query", None)
    shown: object = data
    if query:
        shown = _query(query, data)
        if fmt == "table":  # a query's result has no table of its own
            fmt = "json"
    elif fmt == "table":
        sys.stdout.write(table())
        return
    sys.stdout.write(render(shown, fmt))


def render(data: object, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False))
    if fmt == "tsv":
        return "".join(_tsv_line(row) + "\n" for row in _rows(data))
    raise ConfigError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")


def _query(expression: str, data: Data) -> object:
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.search(expression, json.loads(json.dumps(data, default=str)))
    except JMESPathError as e:
        raise ConfigError(f"--query {expression!r} is not a valid JMESPath expression: {e}") from e


def _rows(data: object) -> list[object]:
    if isinstance(data, list):
        return data
    return [data]


def _tsv_line(row: object) -> str:
    if isinstance(row, Mapping):
        cells: list[object] = list(row.values())
    elif isinstance(row, list):
        cells = row
    else:
        cells = [row]
    return "\t".join(_cell(c) for c in cells)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value).replace("\t", " ").replace("\n", " ")


def table(heads: Sequence[str], cells: Sequence[Sequence[str]], empty: str) -> str:
    """Columns as wide as their widest cell; the last column is not padded."""
    if not cells:
        return empty + "\n"
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    lines = [heads, *cells]
    out = []
    for line in lines:
        padded = [f"{c:<{w}}" for c, w in zip(line[:-1], widths[:-1], strict=True)]
        out.append("  ".join([*padded, line[-1]]).rstrip())
    return "\n".join(out) + "\n"
