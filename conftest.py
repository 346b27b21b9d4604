"""Notebooks in the test suite: nbmake runs them when it is installed; without it they are skipped, visibly.

`pip install -e ".[dev]"` brings nbmake, and then a plain `python -m pytest` runs every notebook
top to bottom, as `pytest --nbmake` does. A bare `pytest` without the dev extra still runs the
Python tests, and reports each notebook as skipped, saying why and what to install.
"""

from __future__ import annotations

from pathlib import Path

import pytest

NO_NBMAKE = 'notebooks not run: nbmake is not installed (pip install -e ".[dev]" to run them)'
_skipped_notebooks = pytest.StashKey[list]()


def _nbmake_present(config: pytest.Config) -> bool:
    return hasattr(config.option, "nbmake")  # the plugin adds the option; -p no:nbmake leaves it out


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_skipped_notebooks] = []
    if _nbmake_present(config):
        config.option.nbmake = True


def pytest_report_header(config: pytest.Config) -> str:
    return "notebooks: run by nbmake" if _nbmake_present(config) else NO_NBMAKE


class _SkippedNotebook(pytest.Item):
    """A notebook that nbmake would run, reported as skipped."""

    def runtest(self) -> None:
        pytest.skip(NO_NBMAKE)

    def reportinfo(self):
        return self.path, None, self.name


class _NotebookWithoutNbmake(pytest.File):
    def collect(self):
        self.config.stash[_skipped_notebooks].append(self.path)
        yield _SkippedNotebook.from_parent(self, name=self.path.name)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if (
        file_path.suffix == ".ipynb"
        and "_build" not in file_path.parts
        and not _nbmake_present(parent.config)
    ):
        return _NotebookWithoutNbmake.from_parent(parent, path=file_path)
    return None


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    skipped = config.stash[_skipped_notebooks]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} {NO_NBMAKE}", yellow=True)
