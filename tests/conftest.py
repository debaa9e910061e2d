"""Shared fixtures: the real corpus, a scratch project, and the CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from docl10n.cli import main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DOCKER_DOCS = CORPUS / "docker-docs"


def corpus_pages() -> list[Path]:
    return sorted(DOCKER_DOCS.rglob("*.md")) if DOCKER_DOCS.is_dir() else []


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder with source/, the working directory for the CLI."""
    (tmp_path / "source").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return tmp_path


@pytest.fixture
def cli(project: Path):
    """Run ``docl10n ARGS`` in the project; returns the click Result."""
    runner = CliRunner()

    def run(*args: str, ok: bool | None = True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        if ok is True:
            assert result.exit_code == 0, result.output
        elif ok is False:
            assert result.exit_code != 0, result.output
        return result

    return run


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)


def start_project(project: Path, cli, page: str, locale: str = "zh_CN") -> Path:
    """``source/page.md`` holding ``page``, extracted and updated for ``locale``."""
    (project / "source" / "page.md").write_text(page, encoding="utf-8")
    cli("extract")
    cli("update", "-l", locale)
    return project
