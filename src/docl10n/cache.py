"""Content-hash cache: a re-run over files that did not change parses nothing.

A stage records, per page, one key: a hash of the code, the configuration,
its options and the bytes of every input *and of the output as it left it*.
The next run recomputes the key from the files as they are now; when it
matches, the output is known to be what the stage would write, so the page
is skipped. Bytes, not modification times: a ``touch``, a checkout or a copy
does not invalidate anything, and any edit does. The cache lives in
``.docl10n-cache/`` at the project root, one JSON file per stage and locale;
deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

DIR = ".docl10n-cache"
MISSING = b"\0missing"


@cache
def code_version() -> str:
    """A hash of docl10n's own source, so a changed tool never trusts old keys."""
    h = hashlib.blake2b(digest_size=16)
    for p in sorted(Path(__file__).parent.glob("*.py")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def salt(*parts: object) -> str:
    """What every key of one run shares: the code and the stage's settings."""
    return key(code_version(), *(repr(p) for p in parts))


def key(*parts: str | bytes | None) -> str:
    """A hash of several values, each kept apart from the next."""
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        data = MISSING if p is None else p.encode("utf-8") if isinstance(p, str) else p
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def read(path: Path) -> bytes | None:
    """A file's bytes, or None when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return None


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
