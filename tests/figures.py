"""Figures the suites print: kept with each test's report and printed at the end of the run.

The security, accessibility and correctness tests print what they measured (routes × personas,
pages audited, steps run…). Printed from a pytest-xdist worker, the text would be lost with the
worker's output; a test's report is sent to the controlling process, so the text travels in it (as
a user property) and `pytest_terminal_summary` prints it in a "figures" section. Used by
tests/conftest.py; tested by tests/test_figures.py, on a run with and without workers.
"""

from __future__ import annotations

from typing import Any

import pytest

FIGURE = "figure"
_figures: list[tuple[str, str]] = []


@pytest.fixture
def figure(request: pytest.FixtureRequest):
    """`figure(text)`: print `text` in the run's "figures" section, under the test's name."""

    def say(text: str) -> None:
        request.node.user_properties.append((FIGURE, text.strip("\n")))

    return say


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _figures.extend(
            (report.nodeid, text)
            for key, text in report.user_properties
            if key == FIGURE
        )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _figures:
        terminalreporter.section("figures")
        for nodeid, text in _figures:
            terminalreporter.write_line(f"{nodeid}\n{text}\n")
