"""The JSON export: the whole data file, deterministic, for `rehab import` on another computer."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from json.encoder import encode_basestring
from typing import Any

from planner.formats import ExportAsk, NothingToExport
from planner.formats.shared import Records
from planner.text import u_escaped


def json_text(
    tables: Mapping[str, Mapping[str, Mapping[str, Any]]], order_fields: Mapping[str, str]
) -> str:
    """The whole data file (`{table: {id: document}}`, meta included) as stable JSON.

    Tables are sorted (meta first), each document's keys are sorted, and documents are in time
    order (`order_fields`: the time field of each table), equal times keeping the file's order.
    That is the order the store reads them in, so an import keeps it and exporting the imported
    file gives the same bytes. `json_pieces` writes the same text a document at a time.
    """

    def in_order(name: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        table = tables[name]
        field = order_fields.get(name)
        ids = list(table)
        if field is not None:
            place = {record_id: n for n, record_id in enumerate(ids)}
            ids.sort(key=lambda i: (str(table[i].get(field, "")), place[i]))
        return ((i, table[i]) for i in ids)

    return "".join(json_pieces((name, in_order(name)) for name in json_table_order(tables)))


def json_table_order(names: Iterable[str]) -> list[str]:
    """The tables in the order the JSON export writes them: meta first, then by name."""
    return sorted(names, key=lambda n: (n != "meta", n))


def json_pieces(
    tables: Iterable[tuple[str, Iterable[tuple[str, Mapping[str, Any]]]]],
) -> Iterator[str]:
    """The JSON export (`json_text`) in pieces, one document at a time: `tables` are (name,
    its (id, document) pairs), each already in the order to write them. The text is
    `json.dumps(whole, indent=2, ensure_ascii=False)`'s to the byte (the tests hold them equal)."""
    opened = False
    for name, documents in tables:
        yield ",\n  " if opened else "{\n  "
        opened = True
        yield u_escaped(json.dumps(name, ensure_ascii=False)) + ": {"
        first = True
        for record_id, document in documents:
            text = _indented(document, "\n    ")
            # json escapes C0 controls itself; the rest (DEL, C1, bidi) too, so it is safe to print.
            yield u_escaped(("\n    " if first else ",\n    ") + _string(record_id) + ": " + text)
            first = False
        yield "}" if first else "\n  }"
    yield "\n}\n" if opened else "{}\n"


def _indented(value: Any, indent: str) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)` for a value read from
    JSON, each line after the first starting with `indent` (a newline and spaces). Not the
    stdlib's indenting encoder: each call of it leaves reference cycles, and with the collector
    off for a command (rehab.cli) ten years of documents left 40 MB of them behind. Text,
    numbers and the rest are written by the stdlib's own C functions (`_scalar`): a JSON export
    of thirty years is a million of them."""
    kind = type(value)
    if kind is dict and all(type(k) is str for k in value):
        if not value:
            return "{}"
        inner = indent + "  "
        return (
            "{"
            + ",".join(
                inner + _string(k) + ": " + _indented(value[k], inner) for k in sorted(value)
            )
            + indent
            + "}"
        )
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = indent + "  "
        return "[" + ",".join(inner + _indented(v, inner) for v in value) + indent + "]"
    if isinstance(value, Mapping):  # keys JSON would convert, or another kind of mapping
        return json.dumps(_sorted_keys(value), indent=2, ensure_ascii=False).replace("\n", indent)
    return _scalar(value)


#: `json.dumps(text, ensure_ascii=False)`: the stdlib's C function when it has one.
_string = encode_basestring
_WORDS = {None: "null", True: "true", False: "false"}
_ANY = json.JSONEncoder(ensure_ascii=False)
_INF = float("inf")


def _scalar(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False)` for text, a number, a truth value or None,
    without making an encoder for each value as `json.dumps` does when given any option."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and value == value and value not in (_INF, -_INF):
        return float.__repr__(value)
    if value is None or kind is bool:
        return _WORDS[value]
    return _ANY.encode(value)


def _mixed(value: Mapping[Any, Any]) -> bool:
    """Keys that `sort_keys` could not compare with each other (1 beside "y")."""
    return len({type(k) for k in value}) > 1


def _sorted_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        keys = list(value) if _mixed(value) else sorted(value)
        return {k: _sorted_keys(value[k]) for k in keys}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def pieces(repo: Records, ask: ExportAsk) -> Iterator[str]:
    """The whole file `repo` holds as the JSON export, a document at a time (`json_pieces`);
    refused for a file import would refuse, or one that holds nothing yet."""
    repo.check_all()  # never hand out a file that import would refuse
    if repo.meta() is None:
        raise NothingToExport(f"{repo.path} holds no data yet: there is nothing to export.")
    names = json_table_order(["meta", *repo.counts()])
    return json_pieces((name, repo.each_document(name)) for name in names)
