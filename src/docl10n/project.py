"""Project configuration and the mapping source <-> template <-> catalog <-> output.

Everything here is about paths: where things live, that they stay inside
the project, and that a write is atomic (a temporary file, then a rename),
so an interrupted run leaves the old file or the new one, never half.
"""

from __future__ import annotations

import errno
import itertools
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from .model import ATTRIBUTION_MARKERS, Docl10nError, Keys
from .model import ATTRIBUTION_TEMPLATE as DEFAULT_ATTRIBUTION

CONFIG_NAME = "docl10n.toml"
CJK_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Kore", "Hira", "Kana", "Hang"})
LAYOUTS = ("tree", "hugo-dir", "hugo-suffix")
MODES = ("translate", "bilingual")


def _with_suffix(rel: str, suffix: str) -> str:
    """``rel`` with its suffix replaced, as ``PurePosixPath.with_suffix`` does, without building paths."""
    name = rel.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return (rel[: len(rel) - len(name) + dot] if 0 < dot < len(name) - 1 else rel) + suffix


@dataclass(frozen=True)
class Config:
    """What ``docl10n.toml`` says, with defaults for everything."""

    root: Path = field(repr=False)  # left out of cache keys: a project moved elsewhere keeps its cache
    source: str = "source"
    locales: str = "locales"
    build: str = "build"
    project: str = "docs"
    keys: Keys = Keys()
    base_url: str | None = None
    strip_prefixes: tuple[str, ...] = ()
    attribution_markers: tuple[str, ...] = ATTRIBUTION_MARKERS
    attribution_templates: dict[str, str] = field(default_factory=dict)
    attribution_locales: tuple[str, ...] | None = None  # None: every CJK locale
    language_codes: dict[str, str] = field(default_factory=dict)
    heading_ids: bool = True
    layout: str = "tree"
    mode: str = "translate"

    @cached_property  # asked for once per page: built once
    def source_dir(self) -> Path:
        return self.root / self.source

    @cached_property
    def locales_dir(self) -> Path:
        return self.root / self.locales

    @cached_property
    def templates_dir(self) -> Path:
        return self.locales_dir / "templates"

    def source_path(self, rel: str) -> Path:
        return Path(self.source_file(rel))

    def template_path(self, rel: str) -> Path:
        return Path(self.template_file(rel))

    def catalog_path(self, locale: str, rel: str) -> Path:
        return Path(self.catalog_file(locale, rel))

    # The same paths as strings: the path guard and the cache look at every
    # file of a run, and building a Path for each was a third of a no-op run.

    def source_file(self, rel: str) -> str:
        return f"{self._folders[0]}/{rel}"

    def template_file(self, rel: str) -> str:
        return f"{self._folders[1]}/{_with_suffix(rel, '.pot')}"

    def catalog_file(self, locale: str, rel: str) -> str:
        return f"{self._folders[2]}/{locale}/{_with_suffix(rel, '.po')}"

    @cached_property
    def _folders(self) -> tuple[str, str, str, str]:
        folders = (self.source_dir, self.templates_dir, self.locales_dir, self.root / self.build)
        return tuple(str(d).rstrip("/") for d in folders)  # type: ignore[return-value]

    def reference(self, rel: str) -> str:
        """How ``#:`` comments and messages name a source page."""
        return rel if self._source_name == "." else f"{self._source_name}/{rel}"

    @cached_property
    def _source_name(self) -> str:
        return str(PurePosixPath(self.source))

    def output_dir(self, locale: str, out: Path | None = None) -> Path:
        return out if out is not None else self.root / self.build / locale

    def language_code(self, locale: str) -> str:
        """Hugo's name for a locale: ``zh_CN`` -> ``zh-cn`` unless ``[language_codes]`` says otherwise."""
        return self.language_codes.get(locale) or locale.replace("_", "-").lower()

    def output_path(self, locale: str, rel: str, layout: str = "tree", out: Path | None = None) -> Path:
        """Where a built page goes.

        ``tree``: ``build/LOCALE/PATH`` (or ``OUT/PATH``); ``hugo-dir``:
        ``build/content/LANG/PATH`` (Hugo's per-language content folder);
        ``hugo-suffix``: ``build/content/STEM.LANG.md`` (Hugo's translation by file name).
        """
        return Path(self.output_file(locale, rel, layout, out))

    def output_file(self, locale: str, rel: str, layout: str = "tree", out: Path | None = None) -> str:
        """``output_path`` as a string (see ``source_file``)."""
        site = str(out).rstrip("/") if out is not None else self._folders[3]
        if layout == "tree":
            return f"{site}/{rel}" if out is not None else f"{site}/{locale}/{rel}"
        lang = self.language_code(locale)
        if layout == "hugo-dir":
            return f"{site}/content/{lang}/{rel}"
        if layout == "hugo-suffix":
            p = PurePosixPath(rel)
            return f"{site}/content/{p.with_name(f'{p.stem}.{lang}{p.suffix}')}"
        raise Docl10nError(CONFIG_NAME, 0, f"unknown layout {layout!r} (choose from {', '.join(LAYOUTS)})")

    def attribution_template(self, locale: str) -> str | None:
        if locale in self.attribution_templates:
            return self.attribution_templates[locale] or None
        if self.attribution_locales is not None:
            return DEFAULT_ATTRIBUTION if locale in self.attribution_locales else None
        return DEFAULT_ATTRIBUTION if is_cjk(locale) else None


def _inside(root: Path, value: str, what: str, config_path: Path) -> str:
    if not isinstance(value, str) or not value or Path(value).is_absolute() or ".." in PurePosixPath(value).parts:
        raise Docl10nError(str(config_path), 0, f"{what} must be a relative path inside the project, not {value!r}")
    return value


def _choice(value: object, allowed: tuple[str, ...], what: str, config_path: Path) -> str:
    if value not in allowed:
        raise Docl10nError(config_path.name, 0, f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def load(root: Path) -> Config:
    """Read ``docl10n.toml`` under ``root`` if there is one."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(root=root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", 0) or 0
        raise Docl10nError(str(path.name), line, f"invalid configuration: {str(exc).split(' (at')[0]}") from None
    fm = data.get("front_matter", {})
    att = data.get("attribution", {})
    # ``build = "dir"`` or a ``[build]`` table (dir, layout, mode, heading_ids)
    build_cfg = data.get("build", {}) if isinstance(data.get("build"), dict) else {}
    try:
        return Config(
            root=root,
            source=_inside(root, data.get("source", "source"), "source", path),
            locales=_inside(root, data.get("locales", "locales"), "locales", path),
            build=_inside(root, build_cfg.get("dir", "build") if build_cfg else data.get("build", "build"), "build", path),
            project=str(data.get("project", "docs")),
            keys=Keys(
                scalars=tuple(fm.get("keys", Keys.scalars)),
                card_fields=tuple(fm.get("card_fields", Keys.card_fields)),
            ),
            base_url=att.get("base_url"),
            strip_prefixes=tuple(att.get("strip_prefixes", ())),
            attribution_markers=tuple(att.get("markers", ATTRIBUTION_MARKERS)),
            attribution_templates=dict(att.get("templates", {})),
            attribution_locales=tuple(att["locales"]) if "locales" in att else None,
            language_codes=dict(data.get("language_codes", {})),
            heading_ids=bool(build_cfg.get("heading_ids", True)),
            layout=_choice(build_cfg.get("layout", "tree"), LAYOUTS, "[build] layout", path),
            mode=_choice(build_cfg.get("mode", "translate"), MODES, "[build] mode", path),
        )
    except (TypeError, AttributeError) as exc:
        raise Docl10nError(path.name, 0, f"invalid configuration: {exc}") from None


def source_pages(config: Config) -> list[str]:
    """Relative paths of the Markdown pages under the source folder, sorted.

    Links that lead outside the source folder are left out, so a page can
    never make docl10n read elsewhere.
    """
    base = config.source_dir
    if not base.is_dir():
        return []
    real = base.resolve()
    cut = len(str(base)) + 1
    return sorted(
        e.path[cut:].replace(os.sep, "/")
        for e in _files(str(base), ".md", skip_hidden=True)
        if not e.is_symlink() or (Path(e.path).resolve().is_relative_to(real) and e.is_file())
    )


def _files(base: str, suffix: str, skip_hidden: bool = False) -> Iterator[os.DirEntry]:
    """Entries under ``base`` named ``*suffix`` that are files or links, not folders; links to folders are not entered.

    One ``scandir`` per folder: the kind of each entry comes with the listing,
    so a walk over a thousand pages makes no call per file.
    """
    todo = [base]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    if not (skip_hidden and e.name.startswith(".")):
                        todo.append(e.path)
                elif e.name.endswith(suffix) and e.is_file():
                    yield e


def template_pages(config: Config) -> list[str]:
    """Relative page paths (``.md``) that have a template."""
    base = config.templates_dir
    if not base.is_dir():
        return []
    cut = len(str(base)) + 1
    return sorted(e.path[cut:-4].replace(os.sep, "/") + ".md" for e in _files(str(base), ".pot"))


def has_templates(config: Config) -> bool:
    """True when there is at least one template (stops at the first)."""
    base = config.templates_dir
    return base.is_dir() and next(_files(str(base), ".pot"), None) is not None


def is_cjk(locale: str) -> bool:
    """True for locales written in Chinese, Japanese or Korean script, by CLDR's likely subtags."""
    from babel.core import get_global  # CLDR data: loaded only by the stages that need it

    likely = get_global("likely_subtags")
    tag = locale.replace("-", "_")
    parts = tag.split("_")
    for candidate in (tag, parts[0]):
        full = likely.get(candidate) or likely.get(candidate.lower())
        if full:
            return any(p in CJK_SCRIPTS for p in full.split("_")) or any(p in CJK_SCRIPTS for p in parts)
    return any(p in CJK_SCRIPTS for p in parts)


def page_url(config: Config, rel: str) -> str | None:
    """The page's public URL by Hugo's permalink rules, when ``base_url`` is set."""
    if not config.base_url:
        return None
    path = PurePosixPath(rel)
    for prefix in ("content/", *config.strip_prefixes):
        text = path.as_posix()
        if text.startswith(prefix):
            path = PurePosixPath(text[len(prefix) :])
    parts = list(path.parent.parts) if path.stem in ("_index", "index") else [*path.parent.parts, path.stem]
    tail = "/".join(p.lower() for p in parts if p not in ("", "."))
    return config.base_url.rstrip("/") + "/" + (tail + "/" if tail else "")


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def atomic_write(path: Path, data: bytes, durable: bool = True, staging: str | None = None) -> os.stat_result | None:
    """Write ``data`` unless the file already holds it; the new file's stat when written, else None.

    The file gets the mode the old one had (or the usual 0666 less umask,
    not mkstemp's 0600). ``durable`` also syncs it to disk: wanted for
    catalogs, which hold people's work; templates and built pages can be
    made again, so they skip the cost.

    ``staging``: a folder of the same file system, only this run's, where
    the temporary file is made and then renamed into place. Making and
    removing names in one folder that already exists costs the file system
    less than doing so in each new folder of a tree (a half to a third of
    the time, measured for a thousand new pages); and a killed run leaves
    nothing in the user's folders. Across file systems it falls back to a
    temporary file beside ``path``.

    Its mtime is set one nanosecond before its write, so it is older than
    its ctime: any later write sets the mtime to the clock, at or past that
    ctime, so the stat returned tells these bytes from any others at once
    (``cache.Files`` need not wait for the file to age).
    """
    try:
        mode = path.stat().st_mode & 0o7777
        if path.read_bytes() == data:
            return None
    except OSError:
        mode = 0o666 & ~_UMASK
    fd, tmp = _temporary(path, staging)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if staging is None or mode != 0o666 & ~_UMASK:
            os.fchmod(fd, mode)
        if durable:
            os.fsync(fd)
        st = os.fstat(fd)
        try:
            os.utime(fd, ns=(st.st_atime_ns, st.st_mtime_ns - 1))
        except OSError:
            pass  # then the cache waits for the file to age, as for any other
        try:
            os.replace(tmp, path)
        except FileNotFoundError:  # the folder first; not asked for each file of a folder that is there
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, path)
        return os.fstat(fd)  # after the rename, which may move the ctime
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if not (staging is not None and isinstance(exc, OSError) and exc.errno == errno.EXDEV):
            raise
    finally:
        os.close(fd)
    return atomic_write(path, data, durable)  # ``staging`` is on another file system than ``path``


_NAMES = itertools.count()
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _temporary(path: Path, staging: str | None) -> tuple[int, str]:
    """A new temporary file for ``path``: in ``staging``, else beside it (as ``.name.XXXXXXXX.tmp``)."""
    if staging is None:
        import tempfile  # a run that writes nothing never loads it

        try:
            return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except FileNotFoundError:  # the folder first; not asked for each file of a folder that is there
            path.parent.mkdir(parents=True, exist_ok=True)
            return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    made = False
    while True:
        tmp = f"{staging}/{os.getpid()}-{next(_NAMES)}.tmp"
        try:
            return os.open(tmp, _NEW, 0o666), tmp
        except FileExistsError:
            continue  # left by a killed run with this process id: the next name
        except FileNotFoundError:
            if made:
                raise
            os.makedirs(staging, exist_ok=True)
            made = True
