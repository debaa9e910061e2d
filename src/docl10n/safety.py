"""Safety of a run: names that may become paths, trees it may not leave, one run at a time.

A locale name or a symlink must never send docl10n outside the project; a
run killed half way must leave nothing that a later run mistakes for work;
two runs on the same files must not interleave.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import time
from collections.abc import Container, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .model import Docl10nError
from .project import Config

LOCALE_NAME = re.compile(r"[A-Za-z]{2,8}(?:[_-][A-Za-z0-9]{1,8})*(?:@[A-Za-z0-9]{1,16})?")
LEFTOVER = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")  # what ``atomic_write`` leaves when killed
LOCK_WAIT = 60.0  # seconds a run waits for another on the same files
FEW_NAMES = 3  # up to this many files of one folder are looked at one by one (a read of the folder costs ~4 lstat)


def check_locale(locale: str) -> None:
    """A locale names a folder: only a language tag (``zh_CN``, ``pt-BR``, ``sr@latin``) may, never ``../x``."""
    if not LOCALE_NAME.fullmatch(locale) or locale == "templates":
        raise Docl10nError(
            str(locale), 0, "not a locale name (expected a language tag such as zh_CN, de or pt-BR)"
        )


def check_inside(paths: Iterable[Path | str], base: Path, what: str) -> None:
    """Refuse a path that leads outside ``base`` once symlinks are followed.

    Checked before anything is read or written, so a symlinked locale or
    templates folder (or one file in it) can never send docl10n elsewhere.
    A folder's real path is its parent's plus its name unless it is itself
    a link, so each folder costs one ``lstat``, not a full ``realpath``; and
    one read of a folder tells which of its files are links, cheaper than an
    ``lstat`` per file where more than ``FEW_NAMES`` of them are asked about.
    """
    real = os.path.realpath(base)
    cwd = os.getcwd()
    folders: dict[str, str] = {}
    links: dict[str, frozenset[str]] = {}

    def resolved(folder: str) -> str:
        """``folder`` (absolute and normalised) with links followed; string operations, not posixpath's."""
        known = folders.get(folder)
        if known is None:
            parent, _, name = folder.rpartition(os.sep)
            if not parent or os.path.islink(folder):  # a top folder, or a link
                known = os.path.realpath(folder)
            else:
                up = resolved(parent)
                known = up + name if up.endswith(os.sep) else up + os.sep + name
            folders[folder] = known
        return known

    def linked(folder: str) -> frozenset[str]:
        found = links.get(folder)
        if found is None:
            try:
                with os.scandir(folder) as entries:
                    found = frozenset(e.name for e in entries if e.is_symlink())
            except OSError:  # not there (nor its files), or not a folder
                found = frozenset()
            links[folder] = found
        return found

    def linked_of(folder: str, names: list[str]) -> Container[str]:
        """The links among ``names``: an ``lstat`` each for a few, one read of the folder for more."""
        if len(names) > FEW_NAMES:
            return linked(folder)
        found = []
        for name in names:
            try:
                if stat.S_ISLNK(os.lstat(os.path.join(folder, name)).st_mode):
                    found.append(name)
            except OSError:  # not there, or its folder is not one
                pass
        return found

    inside = real.rstrip(os.sep) + os.sep
    by_folder: dict[str, list[str]] = {}
    for path in paths:
        folder, sep, name = os.fspath(path).rpartition(os.sep)
        by_folder.setdefault(folder or sep, []).append(name)  # "/name": the root
    for raw, names in by_folder.items():
        folder = os.path.normpath(os.path.join(cwd, raw))  # os.path.abspath, once per folder
        at, links_here = resolved(folder), linked_of(folder, names)
        folder_inside = at == real or at.startswith(inside)
        for name in names:
            if name in links_here:
                where = os.path.realpath(os.path.join(folder, name))
            elif name in ("", "."):
                where = at
            elif name == "..":
                where = ""
            elif folder_inside:
                continue  # a plain file in a folder inside
            else:
                where = os.path.join(at, name)
            if not (where == real or where.startswith(inside)):
                path = Path(raw, name)
                shown = path.relative_to(base) if path.is_relative_to(base) else path
                raise Docl10nError(
                    str(shown), 0, f"refused: {what} leads outside {base} (a symlink to {path.resolve()}?)"
                )


def sweep(folder: Path, names: Iterable[str] | None = None, recursive: bool = True) -> int:
    """Remove temporary files an interrupted ``atomic_write`` left in ``folder``.

    Only call while holding the lock of whatever writes there: a leftover is
    a file nobody is still writing. ``names`` limits it to those targets.
    """
    wanted = None if names is None else set(names)
    removed = 0
    if not folder.is_dir() or folder.is_symlink():
        return 0
    todo = [str(folder)]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for entry in entries:
                if recursive and entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                elif not entry.is_dir() and (m := LEFTOVER.fullmatch(entry.name)) and (wanted is None or m.group(1) in wanted):
                    try:
                        os.unlink(entry.path)
                        removed += 1
                    except OSError:
                        pass
    return removed


def empty(folder: str) -> int:
    """Remove every file of a run's staging folder (``pipeline.staging``): only runs holding its lock make any there."""
    removed = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False) or entry.is_symlink():
                    try:
                        os.unlink(entry.path)
                        removed += 1
                    except OSError:
                        pass
    except OSError:  # no such folder: nothing was left
        pass
    return removed


@contextmanager
def finished(config: Config, name: str) -> Iterator[bool]:
    """Whether the last run of ``name`` finished (False: it may have left temporary files to sweep).

    A run that ends, with or without problems, leaves ``name.done`` beside
    its lock; one that is killed does not, since the file is removed when a
    run starts. So only a run after a killed one (or the first, or one after
    the cache was deleted) needs to look through its folders for leftovers.
    ``name`` is what is written (``templates``, ``catalogs-de``), so every
    command that writes there shares it; call while holding their lock.
    """
    path = config.root / ".docl10n-cache" / "locks" / f"{name}.done"
    try:
        os.unlink(path)
        done = True
    except OSError:  # not there; or not removable, so it says nothing: look
        done = False
    yield done
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644))
    except OSError:
        pass  # the next run looks for leftovers: slower, never wrong


@contextmanager
def exclusive(config: Config, name: str, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the project-wide lock ``name`` (one run of a stage per locale at a time).

    A POSIX record lock (``lockf``) on a file under ``.docl10n-cache/locks/``:
    the kernel drops it when the holder dies, even by SIGKILL, so no stale
    lock survives a killed run; unlike ``flock`` it is not shared with
    forked worker processes, which may outlive a killed parent.
    Waits up to ``wait`` seconds, then gives up.
    """
    folder = config.root / ".docl10n-cache" / "locks"
    check_inside([folder], config.root, "the lock folder")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                if time.monotonic() >= deadline:
                    raise Docl10nError(
                        str(path.relative_to(config.root)), 0,
                        f"another docl10n run is still working on {name} after {wait:g} s; try again when it ends",
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock
