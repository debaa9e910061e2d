"""`make bench`: docl10n at site scale, beside the markdown-it-py floor and its peers.

Builds a site of >= 1,000 pages (>= 8 MB) from the corpus, then times in one
run: the bare markdown-it-py parse of every page on one core (the floor for
a pure-Python segmenter), each docl10n stage fresh and re-run with nothing
changed, `update` after 5 % of paragraphs were edited beside GNU msgmerge on
the same catalogs, and mdpo and translate-toolkit on the same pages when
their virtual environment exists. Peak memory is the resident set of the
whole process tree, sampled. Prints a Markdown table and the targets.

    bench/bench.py [--copies 9] [--jobs N] [--rounds 3] [--work bench/work]

Every step is run ``--rounds`` times, each round on a fresh copy of the
site, and its best time kept (peak memory: the highest), for docl10n, the
floor (timed three times in every round) and the peers alike: a shared
machine's noise only ever adds time, and its speed drifts over a run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polib
from markdown_it import MarkdownIt

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PEERS = HERE / ".venv-peers"
LOCALE = "zh_CN"
sys.path.insert(0, str(HERE))

from bigsite import edit_paragraphs, make_site


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled every 50 ms.

    A scan of /proc takes ~1 ms of a core, which the timed command would
    otherwise share; the stages that need memory hold it for seconds.
    """

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.done = pid, 0, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _tree_rss(self) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(entry.name)
            children.setdefault(int(fields[1]), []).append(pid)
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        total, todo = 0, [self.pid]
        while todo:
            p = todo.pop()
            total += rss.get(p, 0)
            todo.extend(children.get(p, ()))
        return total

    def _run(self) -> None:
        while not self.done:
            self.peak = max(self.peak, self._tree_rss())
            time.sleep(0.05)

    def stop(self) -> int:
        self.done = True
        self.thread.join()
        return self.peak


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak tree memory of one command; it must succeed.

    The disk is synced first, so the writeback of what the last step wrote
    is not billed to this one.
    """
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mem = TreeMemory(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak = mem.stop()
    if proc.returncode not in (0,):
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({proc.returncode}):\n{out[-2000:]}{err[-2000:]}")
    return seconds, peak


def parse_floor(source: Path, rounds: int) -> float:
    """Seconds for markdown-it-py to parse every page once, on one core (files read beforehand); best of ``rounds``."""
    md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    texts = [p.read_text(encoding="utf-8") for p in sorted(source.rglob("*.md"))]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            md.parse(text)
        best = min(best, time.perf_counter() - start)
    return best


def fill(po_dir: Path) -> None:
    """Translate every message (pseudo: ‹msgid›), as a finished translation would."""
    for path in sorted(po_dir.rglob("*.po")):
        po = polib.pofile(str(path), wrapwidth=78)
        for e in po:
            if not e.obsolete:
                e.msgstr, e.flags = f"\u2039{e.msgid}\u203a", []
        po.save()


def msgmerge(old_po: Path, pot: Path, out: Path, jobs: int) -> float:
    """GNU msgmerge of every catalog with its template, ``jobs`` at a time; wall seconds."""
    pairs = [(p, pot / p.relative_to(old_po).with_suffix(".pot")) for p in sorted(old_po.rglob("*.po"))]

    def one(pair: tuple[Path, Path]) -> None:
        po, template = pair
        dest = out / po.relative_to(old_po)
        dest.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(dest), str(po), str(template)], check=True)

    os.sync()  # as timed() does
    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, pairs))
    return time.perf_counter() - start


PEER_MODULES = {"mdpo": "polib, mdpo.md2po, mdpo.po2md", "translate-toolkit": "polib, translate.convert.md2po, mistletoe"}


def peer(name: str) -> Path | None:
    """The peer's Python when its environment exists and imports the tool."""
    python = PEERS / name / "bin" / "python"
    if not python.is_file():
        return None
    ok = subprocess.run([str(python), "-c", f"import {PEER_MODULES[name]}"], capture_output=True).returncode == 0
    return python if ok else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=9, help="copies of the corpus (9: ~1,060 pages, ~9.5 MB)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=3, help="runs of every step; the best time is kept")
    ap.add_argument("--work", type=Path, default=HERE / "work")
    args = ap.parse_args()
    work: Path = args.work.resolve()
    pristine = work / "pristine"
    if work.exists():
        shutil.rmtree(work)
    pristine.mkdir(parents=True)
    shutil.copy(ROOT / "docl10n.toml", pristine)
    pages, size = make_site(CORPUS, pristine, args.copies)
    print(f"site: {pages} pages, {size / 1e6:.1f} MB, {args.jobs} jobs, {os.cpu_count()} cores", file=sys.stderr)
    results: dict[str, tuple[float, int]] = {}
    mm, peers, floor = float("inf"), {}, float("inf")
    for n in range(args.rounds):
        print(f"round {n + 1} of {args.rounds}", file=sys.stderr)
        # The floor is timed in every round, beside the steps it is compared with: the
        # machine's speed drifts over a run, and a floor taken once would carry that drift.
        floor = min(floor, parse_floor(pristine / "source", 3))
        print(f"  {'markdown-it-py parse (1 core)':<34} {floor:8.2f} s", file=sys.stderr)
        # Each round in its own folder, all removed at the end: deleting thousands of
        # files slows the file system for seconds after, which the next step would pay.
        here = work / f"round-{n + 1}"
        site = here / "site"
        shutil.copytree(pristine, site)
        mm = min(mm, one_round(here, site, args.jobs, results))
        for name, times in run_peers(here, site, args.jobs).items():
            if times is None or peers.get(name) is None:
                peers[name] = peers.get(name) or times
            else:
                peers[name] = {k: min(v, times[k]) if not k.endswith("failed") else v for k, v in peers[name].items()}
    print(table(floor, results, mm, peers, pages, size, args.jobs))
    shutil.rmtree(work, ignore_errors=True)


def one_round(work: Path, site: Path, jobs: int, results: dict[str, tuple[float, int]]) -> float:
    """Every docl10n step once on a fresh site, each kept in ``results`` when faster; msgmerge's seconds."""
    tool = [str(ROOT / ".venv" / "bin" / "docl10n")]
    j = ["-q", "-j", str(jobs)]

    def run(label: str, *cmd: str) -> float:
        seconds, mem = timed([*tool, *cmd, *j], site)
        old = results.get(label, (float("inf"), 0))
        results[label] = (min(seconds, old[0]), max(mem, old[1]))
        print(f"  {label:<34} {seconds:8.2f} s  {mem / 2**20:6.0f} MB", file=sys.stderr)
        return seconds

    run("extract", "extract")
    run("extract, no change", "extract")
    run("update (new catalogs)", "update", "-l", LOCALE)
    fill(site / "locales" / LOCALE)
    run("update (after translation)", "update", "-l", LOCALE)
    run("update, no change", "update", "-l", LOCALE)
    run("build", "build", "-l", LOCALE)
    run("build, no change", "build", "-l", LOCALE)
    run("stats", "stats", "-l", LOCALE)
    run("stats, no change", "stats", "-l", LOCALE)
    edited = edit_paragraphs(site / "source", 0.05)
    print(f"  edited {edited} paragraphs", file=sys.stderr)
    run("extract (5 % edited)", "extract")
    before = work / "po-before"
    shutil.copytree(site / "locales" / LOCALE, before)
    mm = msgmerge(before, site / "locales" / "templates", work / "po-msgmerge", jobs)
    print(f"  {'msgmerge (5 % edited)':<34} {mm:8.2f} s", file=sys.stderr)
    run("update (5 % edited)", "update", "-l", LOCALE)
    run("build (5 % edited)", "build", "-l", LOCALE)
    return mm


def run_peers(work: Path, site: Path, jobs: int) -> dict[str, dict[str, float] | None]:
    """mdpo and translate-toolkit on the same (edited) pages: seconds and failed pages per stage; None when absent."""
    peers: dict[str, dict[str, float] | None] = {}
    for name in ("mdpo", "translate-toolkit"):
        python = peer(name)
        if python is None:
            peers[name] = None
            continue
        out = work / name
        times = {}
        for stage in ("extract", "fill", "build"):
            cmd = [str(python), str(HERE / "peers.py"), name, stage, str(site / "source"), str(out), str(jobs)]
            seconds = timed(cmd, work)[0]
            if stage != "fill":  # translating the catalogs is not the tool's work
                times[stage] = seconds
                failed = int((out / f"failed-{stage}.txt").read_text())
                times[f"{stage} failed"] = failed
                print(f"  {name + ' ' + stage:<34} {seconds:8.2f} s  ({failed} pages failed)", file=sys.stderr)
        peers[name] = times
    return peers


def table(floor: float, r: dict[str, tuple[float, int]], mm: float, peers: dict, pages: int, size: int, jobs: int) -> str:
    t = {k: v[0] for k, v in r.items()}
    lines = [
        f"{pages} pages, {size / 1e6:.1f} MB of Markdown; {jobs} worker processes on {os.cpu_count()} cores; "
        "seconds of wall time, the best of every round; peak memory of the process tree, the highest.",
        "",
        "| step | seconds | × parse floor | peak MB | mdpo | translate-toolkit | msgmerge |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| markdown-it-py parse, 1 core (floor) | {floor:.2f} | 1.00 | | | | |",
    ]

    def peer_cell(name: str, stage: str | None, ours: float) -> str:
        if stage is None:
            return ""
        if peers.get(name) is None:
            return "not installed"
        theirs, failed = peers[name][stage], peers[name][f"{stage} failed"]
        return f"{theirs:.2f} s ({theirs / ours:.1f}× ours)" + (f", failed on {failed} pages" if failed else "")

    for label, (sec, mem) in r.items():
        stage = label.split()[0] if label in ("extract", "build") else None
        merge = f"{mm:.2f} s ({mm / sec:.2f}× ours)" if label == "update (5 % edited)" else ""
        lines.append(
            f"| docl10n {label} | {sec:.2f} | {sec / floor:.2f} | {mem / 2**20:.0f} | "
            f"{peer_cell('mdpo', stage, sec)} | {peer_cell('translate-toolkit', stage, sec)} | {merge} |"
        )
    peak = max(m for _, m in r.values()) / 2**20
    checks = [
        ("extract + build ≤ 1.3 × parse floor", (t["extract"] + t["build"]) / floor, 1.3, "×"),
        ("no-op extract ≤ 5 % of full", t["extract, no change"] / t["extract"], 0.05, ""),
        ("no-op update ≤ 5 % of full", t["update, no change"] / t["update (after translation)"], 0.05, ""),
        ("no-op build ≤ 5 % of full", t["build, no change"] / t["build"], 0.05, ""),
        ("update (5 % edited) ≤ msgmerge", t["update (5 % edited)"] / mm, 1.0, "×"),
        ("peak memory < 500 MB", peak, 500, " MB"),
    ]
    lines += ["", "| target | measured | met |", "| --- | ---: | --- |"]
    for name, value, limit, unit in checks:
        shown = f"{value:.1%}" if unit == "" else f"{value:.2f}{unit}" if unit == "×" else f"{value:.0f}{unit}"
        lines.append(f"| {name} | {shown} | {'yes' if value <= limit else 'no'} |")
    for name in ("mdpo", "translate-toolkit"):
        if peers.get(name) is None:
            lines.append(f"| faster than {name} | not installed | – |")
        else:
            ok = t["extract"] < peers[name]["extract"] and t["build"] < peers[name]["build"]
            lines.append(f"| faster than {name} (extract, build) | {peers[name]['extract']:.2f} s, {peers[name]['build']:.2f} s | {'yes' if ok else 'no'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
