"""The data file's layout: TinyDB's JSON with one document per line, so it can be read lazily.

    {
    "profile":{
    "profile":{"id":"profile",…}
    },
    "sessions":{
    "5d1c…":{"id":"5d1c…","plan_id":"…","stage":2,"slot":"morning","started_at":"2026-…",…},
    "9a07…":{…}
    }
    }

It is plain JSON, so TinyDB, `json.load` and a text editor read it as ever. Compact JSON never
holds a raw newline (inside strings it is written `\\n`), so each document is one line, and a
reader can note where each line is, and the one field it sorts by, without parsing the rest:
opening costs a scan of the bytes, not a parse of every document, so even ten years of sessions
open quickly and take almost no memory until a document is asked for. A file not in this
layout (hand-edited, written by TinyDB itself) is read whole, as before, and is written in this
layout the next time it is saved.

Each document's line ends with a checksum of the rest of it, as one more field (`seal`):

    "5d1c…":{"id":"5d1c…",…,"note":"stiff","_crc32":"1a2b3c4d"}

so a bit that flips on disk is found in the line it is in, when that line is read, and the
refusal names the record. A line without one (written before checksums, or whose checksum a
person deleted to keep an edit) is read as it is, and gains one the next time it is written.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple, cast

from store.schema import Damage, shown

Document = dict[str, Any]

CHUNK = 1 << 20  # read and copy in pieces of this size: memory stays flat however big the file
HASH = "sha1"


#: Where one document's line is in the file (offset, length; without its trailing comma).
#: A plain tuple: ten years of sessions make twelve thousand of them at start-up.
Span = tuple[int, int]


# Writing uses pydantic_core's JSON encoder, faster than `json` on a big file; it is
# imported on the first write, since its import costs more than a start-up's reading saves.
# A lazy read parses one small line at a time, and `json` does that as quickly.


def head(name: str) -> bytes:
    """A table's opening in rehab's line layout: its name as JSON, then `:{`."""
    import pydantic_core

    return pydantic_core.to_json(name) + b":{"


def line(key: str, document: Mapping[str, Any]) -> bytes:
    """One document's line in rehab's line layout: its key and the document, as compact JSON,
    with its checksum as the last field (`seal`)."""
    import pydantic_core

    return seal(pydantic_core.to_json(key) + b":" + pydantic_core.to_json(document))


# ---------------------------------------------------------------------------------------------
# Each line's checksum

#: The field that holds a line's checksum; never a model's field (no field starts with "_").
CHECKSUM = "_crc32"
# CRC-32 (stdlib zlib): finds any one-bit flip or burst up to 32 bits, at a third of SHA-1's cost.
_SEAL = b'"' + CHECKSUM.encode() + b'":"'
_SEAL_TAIL = len(_SEAL) + 8 + 2  # the field, 8 hex digits, the closing quote and brace
_OPEN, _COMMA_BYTE = b"{,"
#: What a refusal for a checksum adds to restoring the newest backup.
EDIT_ADVICE = f'If you edited that line yourself, delete its "{CHECKSUM}" field to keep your edit.'


def seal(body: bytes) -> bytes:
    """A document's line (`"key":{…}`) with the CRC-32 of those bytes added as its last field."""
    crc = b"%08x" % zlib.crc32(body)
    return body[:-1] + (b"" if body.endswith(b"{}") else b",") + _SEAL + crc + b'"}'


def _body_end(buf: bytes, start: int, end: int) -> int:
    """Where the bytes a checksum covers end, when the line `buf[start:end]` ends with one the
    way `seal` writes it (they are then those bytes and a closing brace); -1 when it has none."""
    mark = end - _SEAL_TAIL - 1
    if mark <= start or buf[end - 2 : end] != b'"}' or not buf.startswith(_SEAL, mark + 1, end):
        return -1
    if buf[mark] == _COMMA_BYTE:
        return mark
    return mark + 1 if buf[mark] == _OPEN else -1


def sealed(buf: bytes, start: int = 0, end: int | None = None) -> bool | None:
    """Does the line `buf[start:end]` match its checksum? None when it carries none where
    `seal` puts it (an older rehab's line, or one a person removed it from)."""
    end = len(buf) if end is None else end
    stop = _body_end(buf, start, end)
    if stop < 0:
        return None
    view = memoryview(buf)  # the covered bytes are hashed where they lie, never copied
    crc = zlib.crc32(b"}", zlib.crc32(view[start:stop]))
    return buf[end - 10 : end - 2] == b"%08x" % crc


def seal_matches(key: str, document: Mapping[str, Any], checksum: object) -> bool:
    """Does `checksum` (taken out of `document`) match the line rehab writes for it? For a
    line not as `seal` writes it: a file a tool reformatted still opens while nothing in it
    changed."""
    import pydantic_core

    body = pydantic_core.to_json(key) + b":" + pydantic_core.to_json(document)
    return checksum == f"{zlib.crc32(body):08x}"


def mismatch(table: str, key: str, line_number: int | None) -> Damage:
    """The refusal of a document whose line does not match its checksum."""
    where = "" if line_number is None else f" on line {line_number:,}"
    return Damage(
        f"{table} document {shown(key)}{where} does not match its checksum: it changed after "
        "rehab wrote it",
        also=EDIT_ADVICE,
    )


def take_checksum(
    table: str, key: str, document: dict[str, Any], verified: bool, line_number: int | None
) -> None:
    """Take the checksum field out of a parsed `document`, checking it unless its line was
    `verified` already (`sealed`); `Damage` when it does not match."""
    checksum = document.pop(CHECKSUM, None)
    if checksum is not None and not verified and not seal_matches(key, document, checksum):
        raise mismatch(table, key, line_number)


class Written:
    """What `render` wrote: the digest of the bytes and each document's new span, by table."""

    def __init__(self) -> None:
        self.spans: dict[str, dict[str, Span]] = {}
        self.size = 0
        self._hash = hashlib.new(HASH)

    @property
    def digest(self) -> str:
        """The digest of every byte written so far (the whole file, once `render` is done)."""
        return self._hash.hexdigest()

    def add(self, chunk: bytes) -> bytes:
        """Count `chunk` into the digest and size, and hand it on to be written."""
        self._hash.update(chunk)
        self.size += len(chunk)
        return chunk


def render(
    tables: Mapping[str, LazyTable | Mapping[str, Document]],
    written: Written,
    extra: Mapping[str, Mapping[str, Document]] | None = None,
) -> Iterator[bytes]:
    """The file's bytes for `tables` (with `extra` documents put over them), in pieces.

    Documents still on disk are copied from the file in runs, not parsed and re-encoded, so
    folding a few new sessions into ten years costs a copy, not a serialization.
    """
    extra = extra or {}
    names = list(tables) + [name for name in extra if name not in tables]
    yield written.add(b"{\n")
    for number, name in enumerate(names):
        table = tables.get(name, {})
        more = extra.get(name, {})
        spans = written.spans[name] = {}
        yield written.add((b",\n" if number else b"") + head(name) + b"\n")
        first = True
        for piece in _pieces(table, more):
            if not first:
                yield written.add(b",\n")
            first = False
            if isinstance(piece, _Run):
                start = written.size
                for key, span in piece.spans:
                    spans[key] = (start + span[0] - piece.offset, span[1])
                yield from (written.add(chunk) for chunk in piece.read())
            else:
                key, data = piece
                spans[key] = (written.size, len(data))
                yield written.add(data)
        yield written.add(b"}" if first else b"\n}")
    yield written.add(b"\n}\n")


class _Run:
    """Consecutive documents still on disk, copied as one range of bytes."""

    def __init__(self, source: Source, first: tuple[str, Span]) -> None:
        self.source = source
        self.spans = [first]
        self.offset = first[1][0]

    def extend(self, key: str, span: Span) -> bool:
        last = self.spans[-1][1]
        if span[0] != last[0] + last[1] + 2:  # ",\n" between lines
            return False
        self.spans.append((key, span))
        return True

    def read(self) -> Iterator[bytes]:
        last = self.spans[-1][1]
        yield from self.source.read_range(self.offset, last[0] + last[1])


def _pieces(
    table: LazyTable | Mapping[str, Document], more: Mapping[str, Document]
) -> Iterator[_Run | tuple[str, bytes]]:
    run: _Run | None = None
    on_disk = table.on_disk if isinstance(table, LazyTable) else None
    for key in table:
        span = on_disk(key) if on_disk is not None and key not in more else None
        if span is not None:
            assert isinstance(table, LazyTable) and table.source is not None
            if run is not None and run.extend(key, span):
                continue
            if run is not None:
                yield run
            run = _Run(table.source, (key, span))
            continue
        if run is not None:
            yield run
            run = None
        yield key, line(key, more[key] if key in more else table[key])
    if run is not None:
        yield run
    for key, document in more.items():
        if key not in table:
            yield key, line(key, document)


class Source:
    """The data file as it was opened: an open descriptor, so a later replace cannot change
    what its spans point at. `refuse` turns a problem met reading a document into the error
    that names the file (the storage's; the problem itself without one)."""

    def __init__(self, fd: int, refuse: Callable[[Damage], Exception] | None = None) -> None:
        self.fd = fd
        self._refuse = refuse

    def refused(self, problem: Damage) -> Exception:
        """The error to raise for `problem`, met reading this file."""
        return problem if self._refuse is None else self._refuse(problem)

    def line_number(self, offset: int) -> int | None:
        """The line `offset` is on (counted only for a refusal); None if it cannot be read."""
        try:
            return 1 + sum(chunk.count(b"\n") for chunk in self.read_range(0, offset))
        except (Damage, OSError):
            return None

    def read_span(self, span: Span) -> bytes:
        """One document's line, exactly; Damage if the file is shorter than its index says."""
        offset, length = span
        data = os.pread(self.fd, length, offset)
        if len(data) != length:
            raise Damage("it changed while it was being read")
        return data

    def read_range(self, start: int, end: int, chunk: int = CHUNK) -> Iterator[bytes]:
        """The bytes from `start` to `end`, in pieces of at most `chunk`, so memory stays flat."""
        while start < end:
            data = os.pread(self.fd, min(chunk, end - start), start)
            if not data:
                raise Damage("it changed while it was being read")
            start += len(data)
            yield data

    def close(self) -> None:
        """Close the descriptor; safe to call twice."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class LazyTable(Mapping[str, Document]):
    """One table: documents still on disk (parsed when asked for) and documents held in memory
    (those saved since the file was written, or all of them for a file read whole).

    Keys come in file order, then the new ones in the order they were saved.
    """

    def __init__(
        self,
        name: str,
        source: Source | None = None,
        spans: dict[str, Span] | None = None,
        order: dict[str, str] | None = None,
        documents: dict[str, Document] | None = None,
        bare: set[str] | None = None,
    ) -> None:
        self.name = name
        self.source = source
        self._spans = spans or {}
        self._order = order or {}  # key → the raw value of the field the table is sorted by
        self._bare = bare or set()  # keys whose line has no checksum: written afresh, not copied
        self._documents = documents or {}

    def __getitem__(self, key: str) -> Document:
        document = self._documents.get(key)
        if document is not None:
            return document
        span = self._spans[key]
        source = self.source
        assert source is not None
        try:
            return self._parse(key, source.read_span(span))
        except Damage as problem:
            raise source.refused(problem) from None

    def _parse(self, key: str, data: bytes) -> Document:
        """The document on a line read from disk, its checksum checked first (a flipped bit
        that breaks the JSON is named as the checksum's) and taken out."""
        verified = sealed(data)
        if verified is False:
            raise mismatch(self.name, key, self._line_number(key))
        try:
            parsed = json.loads(b"{" + data + b"}")
        except ValueError as error:
            raise Damage(f"{self.name} document {shown(key)} is not valid JSON: {error}") from None
        document = parsed.get(key) if isinstance(parsed, dict) else None
        if not isinstance(document, dict):
            raise Damage(f"{self.name} document {shown(key)} should be an object")
        if verified is None:
            take_checksum(self.name, key, document, False, self._line_number(key))
        else:
            document.pop(CHECKSUM, None)
        return document

    def _line_number(self, key: str) -> int | None:
        assert self.source is not None
        return self.source.line_number(self._spans[key][0])

    def __iter__(self) -> Iterator[str]:
        yield from self._spans
        yield from (key for key in self._documents if key not in self._spans)

    def __len__(self) -> int:
        return len(self._spans) + sum(1 for key in self._documents if key not in self._spans)

    def __contains__(self, key: object) -> bool:
        return key in self._spans or key in self._documents

    def holding(self, words: tuple[bytes, ...], chunk: int = CHUNK) -> set[str]:
        """The documents still on disk (`on_disk`) whose line holds any of `words`, found by
        reading the table's lines as one range, in pieces of `chunk` bytes, and searching each
        piece: ten years of screenings are a few hundred kilobytes, read in one or two calls
        instead of one per line. A word counts only where it lies wholly inside one line."""
        held = self._documents.keys() | self._bare  # not on disk as they are to be written
        lines = [(s[0], s[0] + s[1], key) for key, s in self._spans.items() if key not in held]
        if not lines or not words:
            return set()
        if any(lines[i][0] > lines[i + 1][0] for i in range(len(lines) - 1)):
            lines.sort()  # in file order already, unless a rewrite moved some
        source = self.source
        assert source is not None
        starts = [start for start, _, _ in lines]
        overlap = max(len(word) for word in words) - 1  # a word cut by a piece's end
        found: set[str] = set()
        begin, end = lines[0][0], lines[-1][1]
        try:
            at, carry = begin, b""
            for piece in source.read_range(begin, end, chunk):
                data, base = carry + piece, at - len(carry)
                for word in words:
                    hit = data.find(word)
                    while hit >= 0:
                        where = base + hit
                        line = lines[bisect_right(starts, where) - 1]
                        if where >= line[0] and where + len(word) <= line[1]:
                            found.add(line[2])
                        hit = data.find(word, hit + 1)
                at += len(piece)
                carry = data[max(0, len(data) - overlap) :] if overlap else b""
        except Damage as problem:
            raise source.refused(problem) from None
        return found

    def on_disk(self, key: str) -> Span | None:
        """The span of a document whose latest version is the one in the file, as it is to be
        written again (a line without a checksum is not: it is written afresh, with one)."""
        return None if key in self._documents or key in self._bare else self._spans.get(key)

    def order_value(self, key: str, field: str) -> Any:
        """The raw value of `field` (the table's order field), parsing nothing if it is known."""
        if key not in self._documents and key in self._order:
            return self._order[key]
        return self[key].get(field)

    def index(self) -> tuple[dict[str, Span], dict[str, str]]:
        """Where each document is on disk, and its order field (for the saved index)."""
        return self._spans, self._order

    def order_values(self, field: str) -> list[Any]:
        """`order_value` of every document, in key order."""
        order, documents = self._order, self._documents
        return [
            documents[key].get(field)
            if key in documents
            else order[key]
            if key in order
            else self[key].get(field)
            for key in self
        ]

    def put(self, documents: Mapping[str, Document]) -> None:
        """Hold these documents in memory; they win over any version still on disk."""
        self._documents.update(documents)

    def without(self, keys: set[str]) -> LazyTable:
        """This table less `keys`: the others still on disk where they are (a rewrite copies
        them as they lie), the rest held as they are."""
        return LazyTable(
            self.name,
            self.source,
            {k: s for k, s in self._spans.items() if k not in keys},
            {k: v for k, v in self._order.items() if k not in keys},
            {k: d for k, d in self._documents.items() if k not in keys},
            self._bare - keys,
        )

    def reset(self, source: Source, spans: dict[str, Span], order: dict[str, str]) -> None:
        """After the file was rewritten: every document is on disk again, at these spans, each
        line with its checksum."""
        self.source, self._spans, self._order, self._documents = source, spans, order, {}
        self._bare = set()


def full(name: str, documents: dict[str, Document]) -> LazyTable:
    """A table held wholly in memory (a file read whole, or a new one)."""
    return LazyTable(name, documents=documents)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Build many long-lived objects without the garbage collector scanning them all, and
    every other object in the process, several times over (a pause at ten years)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Lines(NamedTuple):
    """One table's lines in a file in rehab's line layout."""

    spans: dict[str, Span]  # where each document's line is
    order: dict[str, str]  # the raw value of the field the table is sorted by, where found
    bare: set[str]  # the documents whose line has no checksum


class Index(NamedTuple):
    """Where each table and document of a file in rehab's line layout lies; the file's digest."""

    digest: str
    size: int
    #: None when the file is not in the line layout (it must be read whole).
    tables: dict[str, Lines] | None


def scan(fd: int, order_fields: Mapping[str, str], digest: str | None = None) -> Index:
    """Note where each document is if the file is in the line layout, and hash it (unless its
    `digest` is already known)."""
    hasher = hashlib.new(HASH) if digest is None else None
    reader = _LineReader(order_fields)
    offset = size = 0  # where `rest` begins in the file; bytes read so far
    rest = b""
    while True:
        chunk = os.read(fd, CHUNK)
        if not chunk:
            break
        if hasher is not None:
            hasher.update(chunk)
        size += len(chunk)
        if reader.ok:
            buf = rest + chunk if rest else chunk
            pos = reader.feed(buf, offset)
            rest, offset = buf[pos:], offset + pos
    if rest:
        reader.ok = False  # the layout ends with a newline
    tables = reader.tables if reader.ok and reader.finished else None
    # No hasher only when the digest was given.
    found = hasher.hexdigest() if hasher is not None else cast(str, digest)
    return Index(found, size, tables)


def lines_of(data: bytes) -> dict[str, Lines] | None:
    """Each table's lines, when `data` is in the line layout (None when it is not)."""
    reader = _LineReader({})
    if reader.feed(data, 0) != len(data):
        reader.ok = False  # the layout ends with a newline
    return reader.tables if reader.ok and reader.finished else None


_QUOTE, _CLOSE, _COMMA = b'"},'


class _LineReader:
    """The line layout's grammar, fed whole lines; `ok` turns False at the first surprise.

    Works on positions in the buffer rather than on copies of lines: ten years of sessions
    are 13 MB, and copying them costs more than reading them.
    """

    def __init__(self, order_fields: Mapping[str, str]) -> None:
        self.order_fields = order_fields
        self.tables: dict[str, Lines] = {}
        self.ok = True
        self.finished = False
        self._state = "start"  # start → tables → documents → (tables | end) → done
        self._spans: dict[str, Span] = {}
        self._order: dict[str, str] = {}
        self._bare: set[str] = set()
        self._pattern = b""
        self._comma = True

    def feed(self, buf: bytes, offset: int) -> int:
        """Read the whole lines in `buf` (which starts at `offset` in the file); returns where
        the unfinished last line begins."""
        pos = 0
        find = buf.find
        while self.ok:
            end = find(b"\n", pos)
            if end < 0:
                break
            if self._state == "documents" and buf[pos] == _QUOTE:
                self._document(buf, pos, end, offset + pos)
            else:
                self._other(buf[pos:end])
            pos = end + 1
        return pos

    def _other(self, text: bytes) -> None:
        state = self._state
        if state == "start":
            self._expect(text == b"{", "tables")
        elif state == "tables":
            self._table(text)
        elif state == "documents":
            if text in (b"}", b"},") and not (self._comma and self._spans):
                self._state = "tables" if text == b"}," else "end"
            else:  # not a document, or the last document had a comma
                self.ok = False
        elif state == "end":
            self._expect(text == b"}", "done")
            self.finished = self.ok
        else:
            self.ok = False

    def _expect(self, good: bool, then: str) -> None:
        if good:
            self._state = then
        else:
            self.ok = False

    def _table(self, text: bytes) -> None:
        name_bytes = text[1:-3]
        if (
            not (text.startswith(b'"') and text.endswith(b'":{'))
            or b"\\" in name_bytes
            or b'"' in name_bytes
        ):
            self.ok = False
            return
        name = name_bytes.decode("utf-8", "replace")
        if name in self.tables:
            self.ok = False
            return
        self._spans, self._order, self._bare = {}, {}, set()
        self.tables[name] = Lines(self._spans, self._order, self._bare)
        field = self.order_fields.get(name)
        self._pattern = b'"' + field.encode() + b'":"' if field else b""
        self._state = "documents"
        self._comma = True

    def _document(self, buf: bytes, start: int, end: int, offset: int) -> None:
        if not self._comma:  # the document before had no comma, yet another follows
            self.ok = False
            return
        comma = self._comma = buf[end - 1] == _COMMA
        stop = end - 1 if comma else end
        close = buf.find(b'"', start + 1, stop)
        key_bytes = buf[start + 1 : close] if close > 0 else b"\\"
        if buf[stop - 1] != _CLOSE or buf[close + 1 : close + 3] != b":{" or b"\\" in key_bytes:
            # An unusual key (escapes) or shape: let the JSON parser say what it is.
            key = _key_of(buf[start:stop])
            if key is None:
                self.ok = False
                return
        else:
            key = key_bytes.decode("utf-8", "replace")
        if key in self._spans:
            self.ok = False
            return
        self._spans[key] = (offset, stop - start)
        if _body_end(buf, start, stop) < 0:
            self._bare.add(key)
        if self._pattern:
            at = buf.find(self._pattern, start, stop)
            if at >= 0:
                value_start = at + len(self._pattern)
                value_end = buf.find(b'"', value_start, stop)
                if value_end > 0:
                    self._order[key] = buf[value_start:value_end].decode("ascii", "replace")


def _key_of(text: bytes) -> str | None:
    try:
        parsed = json.loads(b"{" + text + b"}")
    except ValueError:
        return None
    if not isinstance(parsed, dict) or len(parsed) != 1:
        return None
    key, document = next(iter(parsed.items()))
    return key if isinstance(document, dict) else None


# ---------------------------------------------------------------------------------------------
# The index kept beside a big file, so opening it need not even scan it.


def identity(status: os.stat_result) -> list[int]:
    """The file as the kernel knows it: any write changes the change time, a replace the inode."""
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]
