"""Hostile input and hostile circumstances: paths that lead out, runs killed
half way, two runs at once.

The interruption tests kill real ``docl10n`` processes (and their workers)
with SIGKILL at several points of a 61-page project, then require every
template, catalog and page to be byte for byte the old or the new version,
and the next run to finish the job and leave no temporary file behind.
"""

from __future__ import annotations

import errno
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest
from conftest import DOCKER_DOCS, start_project

from docl10n import pipeline, project, safety
from docl10n.model import Docl10nError

# A fixed hash seed: the fuzzy matcher breaks ties between equally good old
# strings in set order, so without it two clean runs can differ (not a torn write).
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONHASHSEED": "0"}
CMD = [sys.executable, "-c", "from docl10n.cli import main; main()"]
PAGE = "# Install\n\nRun `docker run hello` and see [the guide](guide.md).\n"


def docl10n(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([*CMD, *args], cwd=cwd, env=ENV, capture_output=True, text=True)
    assert "Traceback" not in result.stderr, result.stderr
    if check:
        assert result.returncode == 0, result.stderr
    return result


def snapshot(root: Path, *trees: str) -> dict[str, bytes]:
    """Every file under the trees, hidden ones included, by path."""
    out = {}
    for tree in trees:
        for p in sorted((root / tree).rglob("*")):
            if p.is_file():
                out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def leftovers(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.tmp"))


# -- paths that lead out -------------------------------------------------------------


@pytest.fixture
def small(project: Path, cli) -> Path:
    return start_project(project, cli, PAGE)


@pytest.mark.parametrize("name", ["../x", "/tmp/x", "zh_CN/../../x", "templates", "zh CN", "", ".", "..", "a/b"])
@pytest.mark.parametrize("command", ["update", "build", "check", "stats", "import"])
def test_locale_names_that_are_paths_are_refused(small: Path, cli, command: str, name: str):
    args = [command, "-l", name] + (["--from", "source"] if command == "import" else [])
    before = snapshot(small.parent, small.name)
    result = cli(*args, ok=False)
    assert result.exit_code == 2 and "not a locale name" in result.output
    assert snapshot(small.parent, small.name) == before


def test_library_refuses_bad_locale_names_too(small: Path):
    config = project.load(small)
    for stage in (pipeline.update, pipeline.build, pipeline.check):
        result = stage(config, "../escape")
        assert result.failed and "not a locale name" in str(result.problems[0])
    assert not (small.parent / "escape").exists()


@pytest.mark.parametrize("name", ["zh_CN", "pt-BR", "de", "sr@latin", "zh_Hant_TW"])
def test_real_locale_names_pass(name: str):
    safety.check_locale(name)


@pytest.mark.parametrize("siblings", [1, safety.FEW_NAMES + 2], ids=["few files", "many files"])
@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_a_link_out_is_refused_however_many_files_of_its_folder_are_asked_about(tmp_path, monkeypatch, siblings, relative):
    base, outside = tmp_path / "project", tmp_path / "outside"
    (base / "d" / "e").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret").write_text("x")
    names = [f"f{i}" for i in range(siblings)]
    for n in names:
        (base / "d" / n).write_text("x")
    (base / "d" / "inner").symlink_to(base / "d" / "f0")  # a link that stays inside: fine
    (base / "alias").symlink_to(base / "d", target_is_directory=True)
    (base / "d" / "out").symlink_to(outside / "secret")
    (base / "d" / "e" / "up").symlink_to(outside, target_is_directory=True)
    if relative:
        monkeypatch.chdir(tmp_path)
        base = Path("project")
    fine = [base / "d" / n for n in [*names, "inner", "missing"]] + [base / "alias" / "f0", base / "d" / "e" / "new"]
    safety.check_inside(fine, base, "a file")
    for bad in (base / "d" / "out", base / "alias" / "out", base / "d" / "e" / "up" / "secret", base / "d" / ".."):
        with pytest.raises(Docl10nError, match="leads outside"):
            safety.check_inside([*fine, bad], base, "a file")


def test_locale_folder_symlinked_outside_is_refused(small: Path, tmp_path_factory, cli):
    outside = tmp_path_factory.mktemp("outside")
    shutil.rmtree(small / "locales" / "zh_CN")
    (small / "locales" / "zh_CN").symlink_to(outside, target_is_directory=True)
    for args in (["update", "-l", "zh_CN"], ["build", "-l", "zh_CN"], ["check", "-l", "zh_CN"], ["stats", "-l", "zh_CN"]):
        result = cli(*args, ok=False)
        assert "refused: the locale folder leads outside" in result.output, args
        assert "Traceback" not in result.output
    assert list(outside.iterdir()) == []


def test_templates_folder_symlinked_outside_is_refused(small: Path, tmp_path_factory, cli):
    outside = tmp_path_factory.mktemp("outside")
    shutil.rmtree(small / "locales" / "templates")
    (small / "locales" / "templates").symlink_to(outside, target_is_directory=True)
    result = cli("extract", ok=False)
    assert "locales/templates: refused: a project folder leads outside" in result.output
    assert list(outside.iterdir()) == []


def test_one_catalog_symlinked_outside_is_neither_read_nor_written(small: Path, tmp_path_factory, cli):
    outside = tmp_path_factory.mktemp("outside") / "secret.po"
    outside.write_text("root:x:0:0:secret\n")
    po = small / "locales" / "zh_CN" / "page.po"
    po.unlink()
    po.symlink_to(outside)
    for args in (["update", "-l", "zh_CN"], ["build", "-l", "zh_CN"], ["check", "-l", "zh_CN"]):
        result = cli(*args, ok=False)
        assert "page.po" in result.output and "refused" in result.output, args
        assert "secret" not in result.output.replace("secret.po", "")
    assert outside.read_text() == "root:x:0:0:secret\n"
    assert po.is_symlink()


@pytest.mark.parametrize(
    ("file", "command"),
    [
        ("locales/zh_CN/page.po", ("update", "-l", "zh_CN")),
        ("locales/zh_CN/page.po", ("build", "-l", "zh_CN")),
        ("locales/templates/page.pot", ("extract",)),
        ("locales/templates/page.pot", ("update", "-l", "zh_CN")),
        ("locales/templates/page.pot", ("build", "-l", "zh_CN")),
        ("build/zh_CN/page.md", ("build", "-l", "zh_CN")),
    ],
)
@pytest.mark.parametrize("forgotten", [False, True])
def test_a_link_put_in_since_the_last_run_is_refused_though_it_holds_the_same_bytes(
    small: Path, tmp_path_factory, cli, file: str, command: tuple[str, ...], forgotten: bool
):
    """A run that finds every file as it was leaves each file's guard undone; a link put in place of one
    shows another stat, so the next run reads, and is guarded first. With the stage's cache gone
    (``forgotten``), the work is guarded before it starts."""
    cli("build", "-l", "zh_CN")
    if forgotten:
        stage = command[0] if command[0] == "extract" else f"{command[0]}-zh_CN"
        (small / ".docl10n-cache" / f"{stage}.json").unlink()
    target = tmp_path_factory.mktemp("outside") / Path(file).name
    data = (small / file).read_bytes()
    target.write_bytes(data)
    (small / file).unlink()
    (small / file).symlink_to(target)
    result = cli(*command, ok=False)
    assert "refused" in result.output and "leads outside" in result.output and Path(file).name in result.output
    assert target.read_bytes() == data and (small / file).is_symlink()


def test_a_run_with_nothing_to_do_guards_its_folders_and_no_file(small: Path, cli, monkeypatch):
    """Each file's guard is left for when a file is read: a run that only needs their stats never reads one."""
    page = small / "source" / "page.md"
    st = page.stat()
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns - 10**10))  # older than its ctime: known by its stat at once
    stages = [("extract",), ("update", "-l", "zh_CN"), ("build", "-l", "zh_CN")]
    for args in stages:
        cli(*args)
    checked: list[str] = []
    real = safety.check_inside

    def spy(paths, base, what):
        checked.append(what)
        return real(paths, base, what)

    monkeypatch.setattr(safety, "check_inside", spy)
    for args in stages:
        assert "1 unchanged" in cli(*args).output
    assert set(checked) <= {"a project folder", "the locale folder", "the lock folder"}, checked
    po = small / "locales" / "zh_CN" / "page.po"
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    cli("update", "-l", "zh_CN")
    assert "a catalog" in checked


@pytest.mark.parametrize("folder", ["build", ".docl10n-cache"])
def test_output_or_cache_folder_symlinked_outside_is_refused(small: Path, tmp_path_factory, cli, folder: str):
    outside = tmp_path_factory.mktemp("outside")
    shutil.rmtree(small / folder, ignore_errors=True)
    (small / folder).symlink_to(outside, target_is_directory=True)
    result = cli("build", "-l", "zh_CN", ok=False)
    assert "refused" in result.output and "leads outside" in result.output
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("command", [("extract",), ("build", "-l", "zh_CN"), ("import", "-l", "zh_CN", "--from", "source")])
@pytest.mark.parametrize("what", ["cache folder", "pack", "staging folder"])
def test_cache_folder_pack_or_staging_symlinked_outside_is_refused(small: Path, tmp_path_factory, cli, command, what):
    outside = tmp_path_factory.mktemp("outside")
    victim = outside / "victim"
    victim.write_text("mine\n")
    store = small / ".docl10n-cache"
    shutil.rmtree(store, ignore_errors=True)
    if what == "cache folder":
        store.symlink_to(outside, target_is_directory=True)
    elif what == "pack":
        store.mkdir()
        (store / "pages.pack").symlink_to(victim)
    else:
        tree = "templates" if command[0] == "extract" else "catalogs-zh_CN" if command[0] == "import" else "pages-zh_CN"
        (store / "tmp").mkdir(parents=True)
        (store / "tmp" / tree).symlink_to(outside, target_is_directory=True)
    result = cli(*command, ok=None)
    assert "refused" in result.output and "leads outside" in result.output
    assert result.exit_code != 0 and [p.name for p in outside.iterdir()] == ["victim"]
    assert victim.read_text() == "mine\n"


def test_build_out_option_is_the_allowed_output_tree(small: Path, tmp_path_factory, cli):
    out = tmp_path_factory.mktemp("site")
    cli("build", "-l", "zh_CN", "--out", str(out))
    assert (out / "page.md").read_text().endswith(PAGE.split("\n\n", 1)[1])


@pytest.mark.parametrize("value", ["../elsewhere", "/tmp/elsewhere", "a/../../b"])
@pytest.mark.parametrize("key", ["source", "locales", "build"])
def test_config_paths_outside_are_refused(small: Path, cli, key: str, value: str):
    (small / "docl10n.toml").write_text(f'{key} = "{value}"\n')
    result = cli("extract", ok=False)
    assert "docl10n.toml" in result.output and "inside the project" in result.output


def test_source_symlink_leading_out_is_not_read(small: Path, tmp_path_factory, cli):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.md").write_text("# Secret heading\n")
    (small / "source" / "linked.md").symlink_to(outside / "secret.md")
    (small / "source" / "linkdir").symlink_to(outside, target_is_directory=True)
    cli("extract")
    assert sorted(p.name for p in (small / "locales" / "templates").rglob("*.pot")) == ["page.pot"]


def test_catalog_references_are_never_opened(small: Path, cli):
    po = small / "locales" / "zh_CN" / "page.po"
    text = po.read_text().replace("#: source/page.md:", "#: ../../../etc/passwd:")
    text = text.replace('msgid "Install"\nmsgstr ""', 'msgid "Install"\nmsgstr "安装"')
    po.write_text(text)
    result = cli("check", "-l", "zh_CN")
    assert "root:" not in result.output
    cli("build", "-l", "zh_CN")
    assert (small / "build" / "zh_CN" / "page.md").read_text().startswith(("# 安装", "---"))


# -- leftovers of a killed write ------------------------------------------------------


def test_leftover_temp_files_are_ignored_and_swept(small: Path, cli):
    names = [
        "locales/templates/.page.pot.ab12cd34.tmp",
        "locales/zh_CN/.page.po.x9y8z7w6.tmp",
        "locales/zh_CN/sub/.other.po.abcdefgh.tmp",
        "build/zh_CN/.page.md.q1w2e3r4.tmp",
        ".docl10n-cache/.update-zh_CN.json.zzzzzzzz.tmp",
    ]
    for n in names:
        (small / n).parent.mkdir(parents=True, exist_ok=True)
        (small / n).write_text('msgid "half\n')  # a torn catalog: must never be parsed
    for done in (small / ".docl10n-cache" / "locks").glob("*.done"):
        done.unlink()  # as the killed runs that left them did when they started
    result = cli("stats", "-l", "zh_CN")
    assert ".tmp" not in result.output
    result = cli("check", "-l", "zh_CN")
    assert ".tmp" not in result.output
    cli("extract")
    cli("update", "-l", "zh_CN")
    cli("build", "-l", "zh_CN")
    assert leftovers(small) == []
    keep = small / "locales" / "zh_CN" / ".notes.tmp"  # not atomic_write's pattern: not ours to delete
    keep.write_text("mine")
    cli("update", "-l", "zh_CN")
    assert keep.read_text() == "mine"


def test_only_a_run_after_one_that_did_not_finish_looks_for_leftovers(small: Path, cli, monkeypatch):
    swept: list[str] = []
    real = safety.sweep
    monkeypatch.setattr(safety, "sweep", lambda folder, *a, **k: swept.append(str(folder)) or real(folder, *a, **k))
    runs = {"templates": ["extract"], "catalogs-zh_CN": ["update", "-l", "zh_CN"], "pages-zh_CN": ["build", "-l", "zh_CN"]}
    for tree, args in runs.items():
        cli(*args)
        swept.clear()
        cli(*args)
        assert swept == [], tree  # the last one finished: nothing to sweep
        (small / ".docl10n-cache" / "locks" / f"{tree}.done").unlink()  # as a killed run leaves it
        cli(*args)
        assert swept, tree
        swept.clear()
        cli(*args)
        assert swept == [], tree
    (small / ".docl10n-cache" / "locks" / "catalogs-zh_CN.done").unlink()
    cli("import", "-l", "zh_CN", "--from", "source")  # writes the same catalogs as update: sweeps them too
    assert [s for s in swept if Path(s).parts[-2:] == ("locales", "zh_CN")], swept


# -- killed runs on a real 61-page project --------------------------------------------


def _fill(root: Path, locale: str) -> None:
    """Pseudo-translate every other entry, so there are translations to lose."""
    for path in sorted((root / "locales" / locale).rglob("*.po")):
        po = polib.pofile(str(path))
        for i, e in enumerate(po):
            if i % 2 == 0 and not e.obsolete:
                e.msgstr = "\u2039" + e.msgid + "\u203a"
        po.save()


def _edit_sources(root: Path) -> None:
    for p in (root / "source").rglob("*.md"):
        p.write_bytes(p.read_bytes().replace(b"Docker", b"Docker Engine"))


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> dict[str, Path]:
    """The same project before and after each stage of a clean run over changed sources."""
    if not DOCKER_DOCS.is_dir():
        pytest.skip("corpus not available")
    base = tmp_path_factory.mktemp("states")
    old = base / "old"
    shutil.copytree(DOCKER_DOCS, old / "source")
    docl10n(old, "extract")
    docl10n(old, "update", "-l", "zh_CN")
    _fill(old, "zh_CN")
    docl10n(old, "build", "-l", "zh_CN")
    found = {"old": old}
    prev = old
    for name, args in (("edited", None), ("extracted", ["extract"]), ("updated", ["update", "-l", "zh_CN"]),
                       ("built", ["build", "-l", "zh_CN"])):
        here = base / name
        shutil.copytree(prev, here, symlinks=True)
        if args is None:
            _edit_sources(here)
        else:
            docl10n(here, *args)
        found[name], prev = here, here
    return found


KILLS = [  # (stage, state it starts from, state it ends in, tree it writes)
    ("extract", "edited", "extracted", "locales/templates"),
    ("update", "extracted", "updated", "locales/zh_CN"),
    ("build", "updated", "built", "build"),
]


@pytest.mark.parametrize("stage, start, end, tree", KILLS, ids=[k[0] for k in KILLS])
def test_killed_run_leaves_old_or_new_files_and_the_next_run_finishes(states, tmp_path, stage, start, end, tree):
    args = [stage] + ([] if stage == "extract" else ["-l", "zh_CN"])
    old, new = snapshot(states[start], tree), snapshot(states[end], tree)
    changed = [k for k in new if old.get(k) != new[k]]
    assert len(changed) > 20  # the run has real work to be interrupted in
    t0 = time.monotonic()
    docl10n(shutil.copytree(states[start], tmp_path / "timing", symlinks=True), *args)
    clean = time.monotonic() - t0
    rng = random.Random(f"{stage}-kill")
    delays = [0.05, clean * 0.5, *(rng.uniform(0.1, clean * 1.1) for _ in range(2))]
    for n, delay in enumerate(delays):
        work = shutil.copytree(states[start], tmp_path / f"try{n}", symlinks=True)
        proc = subprocess.Popen([*CMD, *args], cwd=work, env=ENV, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the command and its worker processes
        except ProcessLookupError:
            pass
        proc.wait()
        now = snapshot(work, tree)
        for path, data in now.items():
            if path.endswith(".tmp"):
                continue
            assert data in (old.get(path), new.get(path)), f"{path} is neither old nor new after a kill at {delay:.2f}s"
        assert {k for k in now if not k.endswith(".tmp")} <= set(old) | set(new)
        # the other stages see no torn file and stumble on no leftover
        for other in (["stats", "-l", "zh_CN"], ["check", "-l", "zh_CN"]) if n == 1 else ():
            result = docl10n(work, *other, check=False)
            assert ".tmp" not in result.stdout + result.stderr
        docl10n(work, *args)
        assert snapshot(work, tree) == new, f"the run after a kill at {delay:.2f}s did not finish the job"
        assert leftovers(work) == []


def test_no_translation_is_lost_across_the_edit(states):
    """What the kill test compares against keeps every translation (fuzzy where the source changed)."""
    def kept(root: Path) -> dict[str, set[str]]:
        base = root / "locales" / "zh_CN"
        return {p.relative_to(base).as_posix(): {e.msgstr for e in polib.pofile(str(p)) if e.msgstr}
                for p in base.rglob("*.po")}
    old, new = kept(states["old"]), kept(states["updated"])
    assert sum(map(len, old.values())) > 1000
    assert all(old[k] <= new[k] for k in old)  # active, fuzzy or obsolete: still there


# -- two runs at once -----------------------------------------------------------------


def test_two_updates_at_once_both_succeed_and_lose_nothing(states, tmp_path):
    new = snapshot(states["updated"], "locales/zh_CN")
    for n in range(3):
        work = shutil.copytree(states["extracted"], tmp_path / f"race{n}", symlinks=True)
        procs = [subprocess.Popen([*CMD, "update", "-l", "zh_CN"], cwd=work, env=ENV, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        outs = [p.communicate() for p in procs]
        for p, (out, err) in zip(procs, outs):
            assert p.returncode == 0 and "Traceback" not in err, err
        assert snapshot(work, "locales/zh_CN") == new
        # one did the work; the other, run after it (not beside it), found nothing left to do
        written = sorted(int(re.search(r"(\d+) catalogs written", o).group(1)) for o, _ in outs)
        assert written[0] == 0 and written[1] > 20, outs
        assert leftovers(work) == []


HOLDER = """
import sys
from pathlib import Path
from docl10n import project, safety
with safety.exclusive(project.load(Path(sys.argv[1])), "locale-zh_CN"):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_update_waits_for_the_lock_and_a_second_lock_times_out_clearly(small: Path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(small)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        assert holder.stdout.readline().strip() == "held"
        config = project.load(small)
        with pytest.raises(Docl10nError, match="another docl10n run is still working on locale-zh_CN"):
            with safety.exclusive(config, "locale-zh_CN", wait=0.2):
                pass
        (small / "source" / "page.md").write_text(PAGE + "\nOne more paragraph.\n")
        docl10n(small, "extract")
        before = (small / "locales" / "zh_CN" / "page.po").read_bytes()
        waiting = subprocess.Popen([*CMD, "update", "-l", "zh_CN"], cwd=small, env=ENV, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.8)
        assert waiting.poll() is None  # still waiting for the lock
        assert (small / "locales" / "zh_CN" / "page.po").read_bytes() == before
    finally:
        holder.communicate("go\n")
    out, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 0, err
    assert "One more paragraph." in (small / "locales" / "zh_CN" / "page.po").read_text()


def test_a_catalog_written_while_build_waits_for_the_lock_is_built(small: Path):
    """What the guard learns of a file (its stat, reused by the cache) is taken under the lock, not before."""
    docl10n(small, "build", "-l", "zh_CN")
    po = small / "locales" / "zh_CN" / "page.po"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(small)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        assert holder.stdout.readline().strip() == "held"
        waiting = subprocess.Popen([*CMD, "build", "-l", "zh_CN"], cwd=small, env=ENV, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.8)
        assert waiting.poll() is None  # still waiting for the lock
        catalog = polib.pofile(str(po))
        catalog.find("Install").msgstr = "安装"
        catalog.save()  # as an update holding the lock would
    finally:
        holder.communicate("go\n")
    out, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 0, err
    assert "1 pages written" in out
    assert (small / "build" / "zh_CN" / "page.md").read_text().startswith("# 安装")


def test_a_killed_lock_holder_does_not_block_the_next_run(small: Path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(small)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=ENV)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    with safety.exclusive(project.load(small), "locale-zh_CN", wait=0.5):
        pass


def test_written_files_get_the_usual_mode_not_mkstemps(tmp_path):
    from docl10n.project import _UMASK, atomic_write

    target = tmp_path / "page.md"
    atomic_write(target, b"one", durable=False)
    assert target.stat().st_mode & 0o777 == 0o666 & ~_UMASK
    target.chmod(0o664)
    atomic_write(target, b"two")
    assert target.stat().st_mode & 0o777 == 0o664 and target.read_bytes() == b"two"


@pytest.mark.parametrize("staged", [False, True])
def test_written_files_get_the_usual_mode_staged_or_not(tmp_path, staged):
    from docl10n.project import _UMASK, atomic_write

    staging = str(tmp_path / "staging") if staged else None
    target = tmp_path / "new" / "folder" / "page.md"  # its folders are made on the way
    atomic_write(target, b"one", durable=False, staging=staging)
    assert target.stat().st_mode & 0o777 == 0o666 & ~_UMASK
    target.chmod(0o640)
    atomic_write(target, b"two", staging=staging)
    assert target.stat().st_mode & 0o777 == 0o640 and target.read_bytes() == b"two"
    assert leftovers(tmp_path) == []


def test_a_staged_write_makes_no_temporary_file_beside_its_target(tmp_path, monkeypatch):
    from docl10n.project import atomic_write

    seen: list[str] = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: seen.append(a) or real_replace(a, b))
    atomic_write(tmp_path / "out" / "page.md", b"one", durable=False, staging=str(tmp_path / "stage"))
    assert {Path(a).parent for a in seen} == {tmp_path / "stage"}  # tried again once its folder was made
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["page.md"]


def test_a_staging_folder_on_another_file_system_falls_back_to_one_beside_the_target(tmp_path, monkeypatch):
    from docl10n.project import atomic_write

    real_replace, stage = os.replace, tmp_path / "stage"

    def replace(a, b):
        if Path(a).parent == stage:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(a, b)

    monkeypatch.setattr(os, "replace", replace)
    st = atomic_write(tmp_path / "page.md", b"one", durable=False, staging=str(stage))
    assert st is not None and (tmp_path / "page.md").read_bytes() == b"one"
    assert leftovers(tmp_path) == [] and list(stage.iterdir()) == []


def test_a_killed_runs_staged_files_are_removed_by_the_next_run_only(small: Path, cli):
    cli("extract")
    stage = small / ".docl10n-cache" / "tmp" / "templates"
    stage.mkdir(parents=True, exist_ok=True)
    (stage / "123-4.tmp").write_text("half")
    cli("extract")  # the last run finished: nothing to look for
    assert (stage / "123-4.tmp").exists()
    (small / ".docl10n-cache" / "locks" / "templates.done").unlink()  # as a killed run leaves it
    cli("extract")
    assert list(stage.iterdir()) == []


@pytest.mark.parametrize("command", [("extract",), ("build", "-l", "zh_CN")])
def test_a_record_folder_of_earlier_versions_symlinked_outside_is_refused_not_removed(small, tmp_path_factory, cli, command):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "keep.json").write_text("{}")
    store = small / ".docl10n-cache"
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir()
    (store / "pages").symlink_to(outside, target_is_directory=True)  # extract removes a real one of these
    result = cli(*command, ok=None)
    assert "refused" in result.output and "leads outside" in result.output and result.exit_code != 0
    assert [p.name for p in outside.iterdir()] == ["keep.json"]
