"""The figures the suites print reach the end of the run's output, with pytest-xdist's workers and
without them (tests/figures.py): otherwise a figure the issue asks for would silently vanish."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

TESTS = """
def test_one(figure):
    figure("\\nRoute matrix: 3 routes x 2 personas, 0 unexpected allows")


def test_two(figure):
    figure("stateful: 12 steps")
    assert False, "a failing test's figure is printed too"


def test_quiet():
    pass
"""


def run_pytest(folder: Path, *options: str) -> str:
    (folder / "conftest.py").write_text(
        "from tests.figures import figure, pytest_runtest_logreport, "
        "pytest_terminal_summary  # noqa: F401\n"
    )
    (folder / "test_sample.py").write_text(TESTS)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider"]
        + list(options),
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr  # test_two fails
    return result.stdout


@pytest.mark.parametrize("options", [(), ("-n", "2")], ids=["one process", "xdist"])
def test_each_figure_is_printed_once_in_the_figures_section(tmp_path, options):
    output = run_pytest(tmp_path, *options)

    section = output[re.search(r"=+ figures =+", output).end() :]
    assert (
        "test_sample.py::test_one\nRoute matrix: 3 routes x 2 personas, 0 unexpected allows\n"
        in section
    )
    assert "test_sample.py::test_two\nstateful: 12 steps\n" in section
    assert output.count("Route matrix:") == 1
    assert "test_quiet" not in section
