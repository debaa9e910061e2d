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


def test_the_config_sent_with_each_chunk_of_work_leaves_its_path_memo_behind(tmp_path):
    import pickle

    from docl10n import project

    config = project.Config(root=tmp_path)
    config.catalog_path("de", "first.md")  # the folders, built once, do travel: a few bytes
    size = len(pickle.dumps(config))
    paths = [config.catalog_path("de", f"s/p{i}.md") for i in range(500)]
    assert config.catalog_path("de", "s/p7.md") is paths[7]  # asked again: the same Path
    again = pickle.loads(pickle.dumps(config))
    assert len(pickle.dumps(config)) == size and again == config
    assert again.catalog_path("de", "s/p7.md") == paths[7] == tmp_path / "locales/de/s/p7.po"
