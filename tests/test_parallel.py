"""Worker processes: results in order, shared data once per worker, fewer young collections while working."""

from __future__ import annotations

import gc

from docl10n import parallel


def _seen(x: int) -> tuple[int, int, object]:
    return x * x, gc.get_threshold()[0], parallel.shared("k")


def test_serial_and_worker_runs_give_the_same_results_in_order():
    items = list(range(40))
    serial = parallel.run(_seen, items, 1, None, {"k": "v"})
    workers = parallel.run(_seen, items, 2, None, {"k": "v"})
    assert [r[0] for r in serial] == [r[0] for r in workers] == [x * x for x in items]
    assert {r[2] for r in serial + workers} == {"v"}


def test_young_collections_are_rarer_only_while_working():
    before = gc.get_threshold()
    done = []
    results = parallel.run(_seen, list(range(3)), 1, done.append)
    assert {r[1] for r in results} == {parallel.YOUNG_THRESHOLD}
    assert {r[1] for r in parallel.run(_seen, list(range(20)), 2, None)} == {parallel.YOUNG_THRESHOLD}
    assert gc.get_threshold() == before and parallel.shared("k") is None and done == [1, 1, 1]


def test_probe_answers_without_calling_the_work():
    calls = []
    results = parallel.run(calls.append, [1, 2, 3], 2, None, probe=lambda x: x * 10)
    assert results == [10, 20, 30] and calls == []


def test_path_strings_name_the_same_files_as_paths(tmp_path):
    from pathlib import PurePosixPath

    from docl10n import project

    for source in ("source", "./docs/", "."):
        config = project.Config(root=tmp_path, source=source)
        for rel in ("p.md", "a/b.c.md", "noext"):
            assert config.source_path(rel) == config.source_dir / rel and str(config.source_path(rel)) == config.source_file(rel)
            pot, po = PurePosixPath(rel).with_suffix(".pot"), PurePosixPath(rel).with_suffix(".po")
            assert config.template_path(rel) == config.templates_dir / pot and str(config.template_path(rel)) == config.template_file(rel)
            assert config.catalog_path("de", rel) == config.locales_dir / "de" / po
            assert str(config.catalog_path("de", rel)) == config.catalog_file("de", rel)
