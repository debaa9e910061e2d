"""Incremental runs: unchanged bytes are not parsed again; worker processes change nothing."""

from __future__ import annotations

import os
import shutil
import types
from collections import Counter
from pathlib import Path

import polib
import pytest

from docl10n import cache, catalog, segment

PAGES = {f"s{i % 3}/p{i}.md": f"# Page {i}\n\nBody text number {i} here.\n\n- item {i}\n" for i in range(10)}


def _site(project: Path) -> None:
    for rel, text in PAGES.items():
        path = project / "source" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _translate(project: Path, locale: str = "de") -> None:
    for path in (project / "locales" / locale).rglob("*.po"):
        po = polib.pofile(str(path))
        for e in po:
            e.msgstr = "Ü " + e.msgid
        po.save()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def counting(monkeypatch):
    """Count page and catalog parses in this process (the serial path)."""
    calls = {"page": 0, "catalog": 0}
    real_page, real_catalog = segment.parse_page, catalog.parse

    def page(*a, **k):
        calls["page"] += 1
        return real_page(*a, **k)

    def cat(*a, **k):
        calls["catalog"] += 1
        return real_catalog(*a, **k)

    monkeypatch.setattr(segment, "parse_page", page)
    monkeypatch.setattr(catalog, "parse", cat)
    return calls


def test_noop_rerun_parses_nothing_and_reports_the_same(project: Path, cli, counting):
    _site(project)
    runs = [("extract", "-j", "1"), ("update", "-l", "de", "-j", "1"), ("build", "-l", "de", "-j", "1"), ("stats", "-j", "1")]
    cli(*runs[0])
    cli(*runs[1])
    _translate(project)
    (project / "locales/de/s0/p0.po").write_text(
        (project / "locales/de/s0/p0.po").read_text().replace('msgstr "Ü Body text number 0 here."', 'msgstr "```"')
    )
    first = [cli(*r, ok=None) for r in runs]
    counting.update(page=0, catalog=0)
    again = [cli(*r, ok=None) for r in runs]
    assert counting == {"page": 0, "catalog": 0}
    assert "0 templates written, 10 unchanged" in again[0].output
    assert "0 catalogs written, 10 unchanged" in again[1].output
    assert "0 pages written, 10 unchanged" in again[2].output
    for a, b in zip(first[2:], again[2:]):  # same counts, same kept-unit warnings, same exit code
        assert (a.exit_code, a.output.replace("10 pages written, 0", "0 pages written, 10")) == (b.exit_code, b.output)
    assert "s0/p0.md:3: unit kept in source language" in again[2].output


def test_only_changed_pages_are_parsed_and_mtimes_do_not_matter(project: Path, cli, counting):
    _site(project)
    for r in (("extract",), ("update", "-l", "de"), ("build", "-l", "de")):
        cli(*r, "-j", "1")
    for p in (project / "source").rglob("*.md"):
        os.utime(p, (1, 1))  # a checkout or copy: new times, same bytes
    (project / "source/s1/p4.md").write_text(PAGES["s1/p4.md"] + "\nA new paragraph.\n")
    counting.update(page=0, catalog=0)
    assert "1 templates written, 9 unchanged" in cli("extract", "-j", "1").output
    assert counting["page"] == 1
    cli("update", "-l", "de", "-j", "1")
    counting.update(page=0, catalog=0)
    assert "1 pages written, 9 unchanged" in cli("build", "-l", "de", "-j", "1").output
    assert counting["page"] == 0  # extract cut the changed page already: build reads its record
    built = project / "build/de/s2/p5.md"
    built.write_text("edited by hand\n")  # an output changed behind our back is rebuilt
    assert "1 pages written, 9 unchanged" in cli("build", "-l", "de", "-j", "1").output
    assert built.read_text() == PAGES["s2/p5.md"]


def _pack_index(project: Path) -> dict[str, list[int]]:
    pack = cache.Pack(str(project / ".docl10n-cache" / cache.PACK))
    pack.close()
    return pack.index


def test_build_reads_the_page_extract_cut_and_a_bad_record_is_cut_again(project: Path, cli, counting):
    _site(project)
    cli("extract", "-j", "1")
    path = project / ".docl10n-cache" / cache.PACK
    pack = cache.Pack(str(path))
    records = {name: pack.get(name) for name in pack.index}
    pack.close()
    assert len(records) == len(PAGES) and counting["page"] == len(PAGES)
    assert not (project / ".docl10n-cache" / "pages").exists()  # one file for all, not one per page
    cli("update", "-l", "de", "-j", "1")
    _translate(project)
    first = next(iter(records))
    path.write_bytes(cache.pack({**records, first: b'{"units": [["not'}))  # not ours
    counting.update(page=0)
    cli("build", "-l", "de", "-j", "1")
    assert counting["page"] == 1
    built = {p.relative_to(project / "build").as_posix(): p.read_text() for p in (project / "build").rglob("*.md")}
    path.write_bytes(b"000000000009{not json")
    shutil.rmtree(project / "build")
    counting.update(page=0)
    cli("build", "-l", "de", "-j", "1")  # a pack that is not one: every page cut afresh
    assert counting["page"] == len(PAGES)
    shutil.rmtree(project / ".docl10n-cache")
    shutil.rmtree(project / "build")
    cli("build", "-l", "de", "-j", "1")  # no cache at all: the same pages
    assert built == {p.relative_to(project / "build").as_posix(): p.read_text() for p in (project / "build").rglob("*.md")}
    cli("extract", "-j", "1")
    assert len(_pack_index(project)) == len(PAGES)
    (project / "source/s0/p0.md").write_text("# Changed\n")
    (project / "source/s1/p1.md").unlink()
    cli("extract", "-j", "1")  # the records of the old and the removed page are forgotten
    index = _pack_index(project)
    assert len(index) == len(PAGES) - 1
    counting.update(page=0)
    cli("build", "-l", "de", "-j", "1")
    assert counting["page"] == 0  # the changed page's new record is there


def test_a_deleted_pack_is_made_again_by_the_next_extract(project: Path, cli, counting):
    _site(project)
    cli("extract", "-j", "1")
    cli("update", "-l", "de", "-j", "1")
    (project / ".docl10n-cache" / cache.PACK).unlink()
    counting.update(page=0)
    assert f"0 templates written, {len(PAGES)} unchanged" in cli("extract", "-j", "1").output
    assert counting["page"] == len(PAGES) and len(_pack_index(project)) == len(PAGES)
    counting.update(page=0)
    cli("build", "-l", "de", "-j", "1")
    assert counting["page"] == 0  # build reads the records again
    counting.update(page=0)
    cli("extract", "-j", "1")
    assert counting["page"] == 0  # and the next extract has nothing to do


def test_the_record_folder_of_earlier_versions_is_removed(project: Path, cli):
    _site(project)
    legacy = project / ".docl10n-cache" / "pages"
    legacy.mkdir(parents=True)
    (legacy / "0123.json").write_text("{}")
    cli("extract", "-j", "1")
    assert not legacy.exists() and len(_pack_index(project)) == len(PAGES)


def test_a_pack_record_that_cannot_be_read_whole_is_none(tmp_path: Path):
    path = tmp_path / "p.pack"
    path.write_bytes(cache.pack({"a": b"one", "b": b"two"})[:-1])  # cut short
    pack = cache.Pack(str(path))
    try:
        assert pack.get("a") == b"one" and pack.get("b") is None and pack.get("c") is None
    finally:
        pack.close()
    path.write_bytes(b'000000000054{"a":[0,3],"b":[-1,3],"c":[0,99999999999],"d":[0,"x"]}one')
    pack = cache.Pack(str(path))
    try:  # an index that points outside the file, or is not numbers: no record, no huge read
        assert [pack.get(n) for n in "abcd"] == [b"one", None, None, None]
    finally:
        pack.close()
    for bad in (b"", b"12", b"00000000000x{}", b"000000000002[]", b"999999999999{}"):
        path.write_bytes(bad)
        with pytest.raises(ValueError):
            cache.Pack(str(path))


@pytest.fixture
def reads(monkeypatch):
    """Count file reads by the cache, and trust a file's stat however recently it changed."""
    monkeypatch.setattr(cache, "RACY_NS", -(10**18))
    monkeypatch.setattr(cache, "FINE_RACY_NS", -(10**18))
    calls = {"n": 0}
    real = cache.read

    def read(path):
        calls["n"] += 1
        return real(path)

    monkeypatch.setattr(cache, "read", read)
    return calls


def test_a_file_whose_stat_is_unchanged_is_not_read_again(project: Path, cli, reads):
    _site(project)
    runs = [("extract",), ("update", "-l", "de"), ("build", "-l", "de"), ("stats",)]
    for r in runs + runs:  # the second round records the stat of what the first one wrote
        cli(*r, "-j", "1")
    for r in runs:
        reads["n"] = 0
        cli(*r, "-j", "1")
        assert reads["n"] == 0, r


def test_a_first_run_reads_each_input_once_and_the_next_run_none(project: Path, cli, monkeypatch):
    """With no cache entry there is nothing to hash before the work; the work's own reads are remembered."""
    monkeypatch.setattr(cache, "RACY_NS", -(10**18))
    monkeypatch.setattr(cache, "FINE_RACY_NS", -(10**18))
    _site(project)
    seen: Counter[str] = Counter()
    real_read, real_reads = cache.read, cache.Reads.read
    monkeypatch.setattr(cache, "read", lambda p: seen.update([str(p)]) or real_read(p))
    monkeypatch.setattr(cache.Reads, "read", lambda self, p: seen.update([str(p)]) or real_reads(self, p))
    pot, po = (lambda rel: f"locales/templates/{rel[:-3]}.pot"), (lambda rel: f"locales/de/{rel[:-3]}.po")
    inputs = {"extract": [f"source/{rel}" for rel in PAGES],
              "build": [f(rel) for rel in PAGES for f in ((lambda r: f"source/{r}"), po, pot)],
              "stats": [po(rel) for rel in PAGES]}
    cli("extract", "-j", "1")
    cli("update", "-l", "de", "-j", "1")
    for stage in ("extract", "build", "stats"):
        args = (stage,) if stage == "extract" else (stage, "-l", "de")
        for name in (stage, f"{stage}-de", f"files-{stage}", f"files-{stage}-de"):  # as if never run
            (project / ".docl10n-cache" / f"{name}.json").unlink(missing_ok=True)
        for n in (1, 0):  # the first run reads what it works on; the next one has the stats it took
            seen.clear()
            cli(*args, "-j", "1")
            assert [seen[path] for path in inputs[stage]] == [n] * len(inputs[stage]), (stage, seen)


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(project: Path, cli, reads):
    _site(project)
    for _ in range(2):
        cli("extract", "-j", "1")
    page = project / "source/s1/p4.md"
    before = page.stat()
    page.write_text(PAGES["s1/p4.md"].replace("Body", "Bodz"))  # same size
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime: only ctime tells
    assert page.stat().st_size == before.st_size
    assert "1 templates written, 9 unchanged" in cli("extract", "-j", "1").output
    assert "Bodz" in (project / "locales/templates/s1/p4.pot").read_text()


def test_a_file_changed_just_before_it_was_looked_at_is_hashed_again(tmp_path: Path):
    path = tmp_path / "page.md"
    path.write_bytes(b"one")
    files = cache.Files(tmp_path, "t")  # RACY_NS as shipped: the file is seconds old at most
    assert files.digest(path) == cache.digest(b"one")
    assert files.seen == {}  # not remembered by its stat
    old = os.stat(path).st_mtime_ns - 10 * cache.RACY_NS
    os.utime(path, ns=(old, old))
    files = cache.Files(tmp_path, "t")
    files.now = os.stat(path).st_ctime_ns + 2 * cache.RACY_NS  # looked at later: ctime is old enough now
    assert files.digest(path) == cache.digest(b"one")
    assert list(files.seen) == [str(path)]


@pytest.mark.parametrize(
    ("mtime", "ctime", "age", "trusted"),
    [
        (1_700_000_000_123_456_789, 1_700_000_000_123_456_789, 0.2, True),  # sub-second times: a few ticks is enough
        (1_700_000_000_123_456_789, 1_700_000_000_123_456_789, 0.05, False),
        (1_700_000_000_000_000_000, 1_700_000_000_000_000_000, 1.5, False),  # whole seconds (ext3, HFS+, FAT)
        (1_700_000_000_223_456_789, 1_700_000_000_000_000_000, 1.5, False),  # either one whole: as coarse
        (1_700_000_000_000_000_000, 1_700_000_000_000_000_000, 2.5, True),
        (1_700_000_000_123_456_788, 1_700_000_000_123_456_789, 0, True),  # older than its ctime: at once
        (1_699_999_999_000_000_000, 1_700_000_000_000_000_000, 0, True),  # the same in whole seconds
        (1_700_000_000_123_456_790, 1_700_000_000_123_456_789, 0, False),  # newer than its ctime: no
    ],
)
def test_how_long_a_file_must_be_left_alone_before_its_stat_is_trusted(mtime, ctime, age, trusted):
    st = types.SimpleNamespace(st_size=3, st_mtime_ns=mtime, st_ctime_ns=ctime, st_ino=7)
    entry = cache._entry(st, "digest", max(mtime, ctime) + int(age * 1e9))
    assert (entry == [3, mtime, ctime, 7, "digest"]) if trusted else entry is None


def test_a_file_docl10n_wrote_is_known_by_its_stat_at_once_and_a_rewrite_is_still_seen(tmp_path: Path, monkeypatch):
    from docl10n.project import atomic_write

    path, renamed = tmp_path / "page.md", []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: renamed.append(os.stat(a)) or real_replace(a, b))
    st = atomic_write(path, b"one", durable=False)
    assert st is not None and st.st_mtime_ns < st.st_ctime_ns and st == path.stat()
    # older than its ctime before the rename too, which on some kernels does not move the ctime
    assert renamed[0].st_mtime_ns < renamed[0].st_ctime_ns
    reads = cache.Reads()  # RACY_NS as shipped: the file is microseconds old
    reads.wrote(str(path), b"one", st)
    assert reads.stamps == {str(path): [3, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, cache.digest(b"one")]}
    assert atomic_write(path, b"one") is None  # unchanged: not written
    files = cache.Files(tmp_path, "t")
    files.remember(reads.stamps)
    with monkeypatch.context() as m:
        m.setattr(cache, "read", lambda p: pytest.fail("read again"))
        assert files.digest(path) == cache.digest(b"one")
    path.write_bytes(b"two")  # at once, in place, the same size
    assert files.digest(path) == cache.digest(b"two")


def test_a_rerun_hashes_none_of_the_files_the_last_run_wrote(project: Path, cli, monkeypatch):
    """Templates, catalogs and pages just written are known by their stat (``atomic_write`` sets their mtime back)."""
    _site(project)
    seen: Counter[str] = Counter()
    real_read, real_reads = cache.read, cache.Reads.read
    monkeypatch.setattr(cache, "read", lambda p: seen.update([str(p)]) or real_read(p))
    monkeypatch.setattr(cache.Reads, "read", lambda self, p: seen.update([str(p)]) or real_reads(self, p))
    wrote = {"extract": "locales/templates", "update": "locales/de", "build": "build/de"}
    for stage, folder in wrote.items():
        args = (stage,) if stage == "extract" else (stage, "-l", "de")
        cli(*args, "-j", "1")
        outputs = sorted(str(p.relative_to(project)) for p in (project / folder).rglob("*.*"))
        assert len(outputs) == len(PAGES)
        seen.clear()
        assert "10 unchanged" in cli(*args, "-j", "1").output
        assert [seen[p] for p in outputs] == [0] * len(PAGES), stage


def test_reads_give_every_byte_and_the_stat_of_what_was_read(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(cache, "FINE_RACY_NS", -(10**18))  # trust a stat however new
    big = tmp_path / "big.po"
    big.write_bytes(bytes(range(256)) * 1000)  # larger than one read
    assert cache.read(big) == big.read_bytes() and cache.read(str(big)) == big.read_bytes()
    assert cache.read(tmp_path / "missing") is None and cache.read(tmp_path) is None  # a folder is not a file
    reads = cache.Reads()
    assert reads.read(str(big)) == big.read_bytes() and reads.read(str(tmp_path / "missing")) is None
    st = big.stat()
    assert reads.stamps == {
        str(big): [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, cache.digest(big.read_bytes())]
    }


def test_a_project_moved_elsewhere_keeps_its_cache(project: Path, cli, counting, tmp_path_factory):
    _site(project)
    runs = [("extract",), ("update", "-l", "de"), ("build", "-l", "de"), ("stats", "-l", "de")]
    for r in runs:
        cli(*r, "-j", "1", "--root", str(project))
    moved = tmp_path_factory.mktemp("elsewhere") / "site"
    shutil.copytree(project, moved, symlinks=True)
    counting.update(page=0, catalog=0)
    outputs = [cli(*r, "-j", "1", "--root", str(moved)).output for r in runs]
    assert "0 templates written, 10 unchanged" in outputs[0]
    assert "0 catalogs written, 10 unchanged" in outputs[1]
    assert "0 pages written, 10 unchanged" in outputs[2]
    assert counting == {"page": 0, "catalog": 0}


def test_cache_is_optional_and_workers_give_the_same_files(project: Path, cli, tmp_path_factory):
    _site(project)
    other = tmp_path_factory.mktemp("parallel")
    shutil.copytree(project / "source", other / "source")
    for root, jobs in ((project, "1"), (other, "2")):
        os.chdir(root)
        cli("extract", "-j", jobs)
        cli("update", "-l", "de", "-j", jobs)
        _translate(root)
        cli("build", "-l", "de", "-j", jobs)
        shutil.rmtree(root / ".docl10n-cache")  # deleting the cache is always safe
        assert "0 pages written, 10 unchanged" in cli("build", "-l", "de", "-j", jobs).output
    assert _tree(project / "locales") == _tree(other / "locales")
    assert _tree(project / "build") == _tree(other / "build")
    assert cli("stats", "-j", "2", "--format", "csv").output == cli("stats", "-j", "1", "--format", "csv").output


def _stderr_on_a_terminal(project: Path, *args: str) -> str:
    """Run the CLI with stderr on a pseudo-terminal; what it wrote there."""
    import pty
    import subprocess
    import sys

    main, sub = pty.openpty()
    code = "from docl10n.cli import main; main()"
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=project, stderr=sub, stdout=subprocess.DEVNULL)
    os.close(sub)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal_and_not_when_quiet(project: Path, cli):
    _site(project)
    assert "extract" in _stderr_on_a_terminal(project, "extract", "-j", "1", "--root", ".")
    bar = _stderr_on_a_terminal(project, "build", "-l", "de", "-j", "1")
    assert "build de" in bar and "100%" in bar
    assert _stderr_on_a_terminal(project, "build", "-l", "de", "-j", "1", "--quiet") == ""
    assert cli("build", "-l", "de").stderr == ""  # not a terminal: no bar


def test_a_page_dated_by_its_template_is_rebuilt_when_the_template_changes(project: Path, cli):
    """With no catalog and no date of its own, a page's attribution takes the template's first-extracted date."""
    (project / "docl10n.toml").write_text('[attribution]\nbase_url = "https://docs.example.com/"\n')
    _site(project)
    cli("extract", "-j", "1")
    cli("build", "-l", "zh_CN", "-j", "1")
    built = project / "build/zh_CN/s0/p0.md"
    template = project / "locales/templates/s0/p0.pot"
    first = template.read_text().split("X-First-Extracted: ")[1].split("\\n")[0]
    assert first in built.read_text()
    template.write_text(template.read_text().replace(first, "2001-02-03 04:05+0000"))
    assert "1 pages written" in cli("build", "-l", "zh_CN", "-j", "1").output
    assert "2001-02-03" in built.read_text()
