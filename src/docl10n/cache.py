"""Content-hash cache: a re-run over files that did not change parses nothing.

A stage records, per page, one key: a hash of the code, the configuration,
its options and the bytes of every input *and of the output as it left it*.
The next run recomputes the key from the files as they are now; when it
matches, the output is known to be what the stage would write, so the page
is skipped. Bytes, not modification times: a ``touch``, a checkout or a copy
does not invalidate anything, and any edit does. The cache lives in
``.docl10n-cache/`` at the project root, one JSON file per stage and locale;
deleting it is always safe.

A page once cut into units is kept by the digest of its bytes
(``page_record``), so ``build`` after ``extract`` does not parse it again.
``extract`` keeps the records of all pages in one file (``Pack``): a file
per page cost more to make than the page took to cut.

Reading and hashing every file is most of a run with nothing to do, so
``Files`` keeps each file's digest beside its ``stat`` as git's index does:
a file whose size, times and inode are unchanged is not read again. The
stat only says *whether* to hash; what is compared is always the digest.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from .model import FrontMatter, Page, Span, new_unit

try:  # what hashlib.blake2b is, without hashlib loading OpenSSL (~3 ms of every start)
    from _blake2 import blake2b
except ImportError:  # another Python
    from hashlib import blake2b

DIR = ".docl10n-cache"
MISSING = b"\0missing"
# A file changed this recently may change again within the same timestamp:
# a few clock ticks where the file system keeps sub-second times, more than
# one timestamp step where it keeps whole seconds (ext3, HFS+, FAT's 2 s).
RACY_NS = 2_000_000_000
FINE_RACY_NS = 100_000_000


@cache
def code_version() -> str:
    """A hash of docl10n's own source, so a changed tool never trusts old keys."""
    h = blake2b(digest_size=16)
    for p in sorted(Path(__file__).parent.glob("*.py")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def salt(*parts: object) -> str:
    """What every key of one run shares: the code and the stage's settings."""
    return key(code_version(), *(repr(p) for p in parts))


def key(*parts: str | bytes | None) -> str:
    """A hash of several values, each kept apart from the next."""
    h = blake2b(digest_size=16)
    for p in parts:
        data = MISSING if p is None else p.encode("utf-8") if isinstance(p, str) else p
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def digest(data: bytes | None) -> str:
    """The digest of one file's bytes (``MISSING`` for a file that is not there)."""
    return blake2b(MISSING if data is None else data, digest_size=16).hexdigest()


NO_FILE = digest(None)


class Files:
    """Digests of files by path, hashed again only when their ``stat`` changed.

    Any write to a file changes its ctime, which no tool can set back, so a
    file with the same size, mtime, ctime and inode holds the same bytes. A
    file changed less than ``RACY_NS`` (``FINE_RACY_NS`` where times have
    sub-second precision) before it was looked at is not
    remembered by its stat: a second write within the same timestamp tick
    could keep it, unless its mtime is older than its ctime (see
    ``_entry``). Only files looked at in this run are saved, so a removed
    file drops out. ``before_read`` is called before any file is read: a
    stage's guard, which a run that only needs each file's ``stat`` skips.
    """

    def __init__(self, root: Path, name: str, before_read: Callable[[], None] | None = None) -> None:
        self.root, self.name, self.before_read = root, f"files-{name}", before_read
        known = load(root, self.name)
        self.known = {k: v for k, v in known.items() if isinstance(v, list) and len(v) == 5}
        self.seen: dict[str, list] = {}
        self.now = time.time_ns()

    def digest(self, path: Path | str) -> str:
        """The digest of the file at ``path`` now; ``digest(None)`` when it cannot be read."""
        name = str(path)
        try:
            st = os.stat(name)
        except OSError:
            return digest(None)
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        known = self.seen.get(name) or self.known.get(name)
        if known is not None and known[:4] == stamp:
            self.seen[name] = known
            return known[4]
        if self.before_read is not None:
            self.before_read()
        found = digest(read(path))
        if (entry := _entry(st, found, self.now)) is not None:
            self.seen[name] = entry
        return found

    def remember(self, stamps: dict[str, list]) -> None:
        """Keep the stamps of files that stage work read (``Reads``), as if looked at here."""
        self.seen.update(stamps)

    def save(self) -> bytes | None:
        """The bytes of the store to write, or None when it did not change."""
        return None if self.seen == self.known else dump(self.seen)


def _entry(st: os.stat_result, found: str, now: int) -> list | None:
    """What ``Files`` keeps of a file hashed to ``found``: None when it changed too recently to trust its stat.

    A file older than its ctime (its mtime set back, as ``atomic_write``
    does, or kept by a copy) is trusted at once: a later write sets the
    mtime to the clock, at or past that ctime, so it cannot keep the stat.
    """
    mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
    if mtime < ctime:
        return [st.st_size, mtime, ctime, st.st_ino, found]
    whole_seconds = mtime % 1_000_000_000 == 0 or ctime % 1_000_000_000 == 0
    if now - max(mtime, ctime) > (RACY_NS if whole_seconds else FINE_RACY_NS):
        return [st.st_size, mtime, ctime, st.st_ino, found]
    return None


class Reads:
    """The files one page's work read, with the stamps ``Files`` keeps.

    A page with no cache entry is not hashed by the stage before its work
    starts; the work reads its files anyway, and hands their stamps back, so
    the next run still knows them by their stat.
    """

    def __init__(self) -> None:
        self.stamps: dict[str, list] = {}
        self.digests: dict[str, str] = {}  # of every file read, so the work hashes none again
        self.now = time.time_ns()

    def read(self, path: str) -> bytes | None:
        """The file's bytes (None when it cannot be read); its digest and stamp kept."""
        try:
            data, st = _read_with_stat(path)
        except OSError:
            self.digests[path] = NO_FILE
            return None
        found = self.digests[path] = digest(data)
        if (entry := _entry(st, found, self.now)) is not None:
            self.stamps[path] = entry
        return data

    def wrote(self, path: str, data: bytes, st: os.stat_result | None) -> None:
        """Keep what the work wrote to ``path`` (``st``: what ``atomic_write`` returned; None: it was unchanged)."""
        if st is None:
            return  # the file held ``data`` already: its stamp as read stands
        self.digests[path] = found = digest(data)
        self.stamps.pop(path, None)
        if (entry := _entry(st, found, self.now)) is not None:
            self.stamps[path] = entry


PAGES = "pages"  # folder of page records under DIR, one file each, of earlier versions: removed
PACK = "pages.pack"  # the page records of the last extract, under DIR
STAGING = "tmp"  # folder under DIR of the temporary files of a run, one subfolder per tree written
_HEAD = 12  # digits of the index's length at the start of a pack


def page_record(page: Page) -> bytes:
    """A segmented page as JSON, its text left out (the source holds it).

    So is a msgid that is just the text of its span (null): nine units in
    ten, which made the record as large as the page.
    """
    fm, text = page.front_matter, page.text
    units = [
        [None if text[u.span.start : u.span.end] == u.msgid else u.msgid,
         u.kind, u.line, u.span.start, u.span.end, u.msgctxt, u.prefix, u.inline, list(u.key)]
        for u in page.units
    ]
    head = [fm.syntax, fm.span.start, fm.span.end, fm.body.start, fm.body.end] if fm else None
    record = {"units": units, "front_matter": head, "structure": page.structure}
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def pack(records: dict[str, bytes]) -> bytes:
    """Records in one file: the length of the index, the index (name -> [offset, length]), the records.

    Written whole by ``extract`` (atomically, so never torn); read one
    record at a time (``Pack``).
    """
    index, offset = {}, 0
    for name, data in records.items():
        index[name] = [offset, len(data)]
        offset += len(data)
    head = json.dumps(index, separators=(",", ":")).encode("ascii")
    return b"%0*d" % (_HEAD, len(head)) + head + b"".join(records.values())


class Pack:
    """The records of one pack file, each read with one ``pread`` of a descriptor kept open.

    The descriptor stays on the file that was opened, so a pack renamed
    over it by a concurrent ``extract`` changes nothing for this reader.
    ValueError when the file is not a pack; a link is not followed.
    """

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        try:
            self.size = os.fstat(self.fd).st_size
            size = os.pread(self.fd, _HEAD, 0)
            if len(size) != _HEAD or not size.isdigit() or int(size) > self.size - _HEAD:
                raise ValueError("not a pack of page records")
            head = os.pread(self.fd, int(size), _HEAD)
            index = json.loads(head)
            if len(head) != int(size) or not isinstance(index, dict):
                raise ValueError("not a pack of page records")
        except BaseException:
            os.close(self.fd)
            raise
        self.index: dict[str, list[int]] = index
        self.start = _HEAD + len(head)

    def get(self, name: str) -> bytes | None:
        """The record ``name``; None when there is none (or it cannot be read whole)."""
        where = self.index.get(name)
        try:
            offset, length = where  # type: ignore[misc]
            if not (isinstance(offset, int) and isinstance(length, int) and 0 <= offset <= self.size - length):
                return None  # not where a record of this file could be: not ours
            data = os.pread(self.fd, length, self.start + offset)
        except (OSError, TypeError, ValueError):
            return None
        return data if len(data) == length else None

    def close(self) -> None:
        os.close(self.fd)


def page_from_record(text: str, path: str, data: bytes) -> Page:
    """The page ``page_record`` wrote for ``text``; ValueError when the record is not one."""
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    try:
        record = json.loads(data)
        head = record["front_matter"]
        fm = FrontMatter(head[0], Span(head[1], head[2]), Span(head[3], head[4])) if head else None
        units = tuple(
            new_unit(body[start:end] if msgid is None else msgid, kind, line, Span(start, end), msgctxt, prefix,
                     inline, tuple(key))
            for msgid, kind, line, start, end, msgctxt, prefix, inline, key in record["units"]
        )
        structure = record["structure"]
        if not isinstance(structure, str) or (units and max(u.span.end for u in units) > len(body)):
            raise TypeError("not a record of this text")  # a msgid left out would be read short
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"not a page record: {exc}") from None
    return Page(path, body, bom, units, fm, structure)


def read(path: Path | str) -> bytes | None:
    """A file's bytes, or None when it cannot be read."""
    try:
        return _read_with_stat(path)[0]
    except OSError:
        return None


def _read_with_stat(path: Path | str) -> tuple[bytes, os.stat_result]:
    """A file's bytes and the stat of what was read.

    Plain descriptor calls: a buffered ``open()`` costs twice the system
    calls (more stats, a seek, a tty test), for every file of a run.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        chunks = []
        while chunk := os.read(fd, max(st.st_size + 1, 65536)):
            chunks.append(chunk)
        return b"".join(chunks), st
    finally:
        os.close(fd)


def load(root: Path, name: str) -> dict[str, object]:
    """The entries of one cache file; empty when missing or unreadable."""
    try:
        data = json.loads((root / DIR / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def dump(entries: dict[str, object]) -> bytes:
    """The bytes of a cache file (written by the caller, atomically)."""
    return json.dumps(entries, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def path(root: Path, name: str) -> Path:
    return root / DIR / f"{name}.json"
