"""WIQL: a tokenizer and recursive-descent parser for flat ``FROM WorkItems`` queries.

Supported: ``SELECT [f], ... FROM WorkItems [WHERE ...] [ORDER BY [f] [ASC|DESC], ...]`` with
``= <> != < > <= >=``, ``[NOT] IN (...)``, ``[NOT] CONTAINS``, ``[NOT] UNDER``, ``NOT``, ``AND``,
``OR``, parentheses and the macros ``@project``, ``@me``, ``@today [+|- n]``. Anything else
(``FROM WorkItemLinks``, ``EVER``, ``CONTAINS WORDS``, ``IN GROUP``, field-to-field compares,
``ASOF``, other macros) is refused with a 400, never answered wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ticketops.emulator import utf16
from ticketops.emulator.errors import AdoError, wiql_error

MAX_QUERY = 32_000
_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<field>\[[^\]]*\])
      | (?P<str>'(?:[^']|'')*'|"(?:[^"]|"")*")
      | (?P<num>-?\d+(?:\.\d+)?)
      | (?P<macro>@[A-Za-z]+)
      | (?P<op><>|!=|<=|>=|=|<|>)
      | (?P<punct>[(),*+-])
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Tok:
    kind: str  # field | str | num | macro | op | punct | word | end
    text: str
    pos: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


@dataclass(frozen=True)
class Macro:
    name: str  # lower-case, without @
    offset: int = 0


Value = str | float | Macro


@dataclass(frozen=True)
class Cond:
    field: str
    op: str  # = <> < > <= >= in contains under (negated via Not)
    values: tuple[Value, ...]
    text: str  # the source text, for error messages


@dataclass(frozen=True)
class Not:
    inner: Expr


@dataclass(frozen=True)
class And:
    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Expr, ...]


Expr = Cond | Not | And | Or


@dataclass(frozen=True)
class Query:
    columns: tuple[str, ...]
    where: Expr | None
    order: tuple[tuple[str, bool], ...]  # (field, descending)


def syntax(message: str, near: str = "") -> AdoError:
    cause = f" The error is caused by «{near}»." if near else ""
    return wiql_error(f"TF51006: The query statement is not valid: {message}.{cause}")


def unsupported(what: str, near: str = "") -> AdoError:
    cause = f" The error is caused by «{near}»." if near else ""
    return wiql_error(f"The ADO emulator does not support {what} in WIQL; rewrite the query without it.{cause}")


def tokenize(text: str) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            raise syntax("unexpected character", text[pos : pos + 20].strip())
        kind = m.lastgroup or "word"
        toks.append(Tok(kind, m.group(kind), m.start(kind)))
        pos = m.end()
    toks.append(Tok("end", "", len(text)))
    return toks


class Parser:
    def __init__(self, text: str) -> None:
        if utf16.units(text) > MAX_QUERY:
            raise wiql_error(
                f"The query is {utf16.units(text)} characters long; a WIQL query can be at most {MAX_QUERY} characters."
            )
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Tok:
        return self.toks[self.i]

    def take(self) -> Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect_word(self, word: str) -> None:
        if not self.tok.is_word(word):
            raise syntax(f"expecting {word}", self.tok.text or "end of query")
        self.i += 1

    def parse(self) -> Query:
        self.expect_word("SELECT")
        columns = self._columns()
        if not self.tok.is_word("FROM"):
            raise syntax("the query statement is missing a FROM clause", self.tok.text)
        self.i += 1
        source = self.take()
        if source.is_word("WORKITEMLINKS"):
            raise unsupported("FROM WorkItemLinks (tree and link queries)", source.text)
        if not source.is_word("WORKITEMS"):
            raise syntax("expecting WorkItems after FROM", source.text)
        where = None
        if self.tok.is_word("WHERE"):
            self.i += 1
            where = self._or()
        order: list[tuple[str, bool]] = []
        if self.tok.is_word("ORDER"):
            self.i += 1
            self.expect_word("BY")
            order = self._order()
        if self.tok.is_word("ASOF", "MODE"):
            raise unsupported(self.tok.text.upper(), self.tok.text)
        if self.tok.kind != "end":
            raise syntax("unexpected text after the query", self.tok.text)
        return Query(tuple(columns), where, tuple(order))

    def _field_name(self) -> str:
        t = self.take()
        if t.kind == "field":
            return t.text[1:-1].strip()
        if t.kind == "word" and "." in t.text:
            return t.text
        raise syntax("expecting a field name", t.text or "end of query")

    def _columns(self) -> list[str]:
        if self.tok.kind == "punct" and self.tok.text == "*":
            raise unsupported("SELECT *", "*")
        cols = [self._field_name()]
        while self.tok.kind == "punct" and self.tok.text == ",":
            self.i += 1
            cols.append(self._field_name())
        return cols

    def _order(self) -> list[tuple[str, bool]]:
        out = []
        while True:
            name = self._field_name()
            desc = False
            if self.tok.is_word("ASC", "DESC"):
                desc = self.take().text.upper() == "DESC"
            out.append((name, desc))
            if not (self.tok.kind == "punct" and self.tok.text == ","):
                return out
            self.i += 1

    def _or(self) -> Expr:
        parts = [self._and()]
        while self.tok.is_word("OR"):
            self.i += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def _and(self) -> Expr:
        parts = [self._not()]
        while self.tok.is_word("AND"):
            self.i += 1
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def _not(self) -> Expr:
        if self.tok.is_word("NOT"):
            self.i += 1
            return Not(self._not())
        if self.tok.kind == "punct" and self.tok.text == "(":
            self.i += 1
            inner = self._or()
            if not (self.tok.kind == "punct" and self.tok.text == ")"):
                raise syntax("expecting )", self.tok.text or "end of query")
            self.i += 1
            return inner
        return self._condition()

    def _condition(self) -> Expr:
        start = self.tok.pos
        name = self._field_name()
        op, negate = self._operator()
        values = self._list() if op == "in" else (self._value(),)
        end = self.toks[self.i - 1]
        cond = Cond(name, op, values, self.text[start : end.pos + len(end.text)])
        return Not(cond) if negate else cond

    def _operator(self) -> tuple[str, bool]:
        t = self.take()
        if t.kind == "op":
            return ("<>", False) if t.text == "!=" else (t.text, False)
        negate = False
        if t.is_word("NOT"):
            negate, t = True, self.take()
        word = t.text.upper() if t.kind == "word" else ""
        if word == "IN":
            if self.tok.is_word("GROUP"):
                raise unsupported("IN GROUP", t.text)
            return "in", negate
        if word == "CONTAINS":
            if self.tok.is_word("WORDS"):
                raise unsupported("CONTAINS WORDS", "CONTAINS WORDS")
            return "contains", negate
        if word == "UNDER":
            return "under", negate
        if word in ("EVER", "WAS"):
            raise unsupported(f"the {word} operator", t.text)
        raise syntax("expecting a comparison operator", t.text or "end of query")

    def _list(self) -> tuple[Value, ...]:
        if not (self.tok.kind == "punct" and self.tok.text == "("):
            raise syntax("expecting ( after IN", self.tok.text)
        self.i += 1
        values = [self._value()]
        while self.tok.kind == "punct" and self.tok.text == ",":
            self.i += 1
            values.append(self._value())
        if not (self.tok.kind == "punct" and self.tok.text == ")"):
            raise syntax("expecting ) to close the IN list", self.tok.text)
        self.i += 1
        return tuple(values)

    def _value(self) -> Value:
        t = self.take()
        if t.kind == "str":
            quote = t.text[0]
            return t.text[1:-1].replace(quote * 2, quote)
        if t.kind == "num":
            return float(t.text)
        if t.kind == "macro":
            return Macro(t.text[1:].lower(), self._offset())
        if t.kind == "field":
            raise unsupported("comparing a field with another field", t.text)
        raise syntax("expecting a value", t.text or "end of query")

    def _offset(self) -> int:
        if self.tok.kind == "punct" and self.tok.text in "+-" and self.toks[self.i + 1].kind == "num":
            sign = -1 if self.take().text == "-" else 1
            return sign * int(float(self.take().text))
        if self.tok.kind == "num" and self.tok.text.startswith("-"):
            return int(float(self.take().text))
        return 0


def parse(text: str) -> Query:
    return Parser(text).parse()
