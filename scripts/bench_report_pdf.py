"""Time the published-report PDF on a large report: 40 recommendations and 300 annex rows.

Run: DJANGO_SETTINGS_MODULE=config.settings DEBUG=true .venv/bin/python scripts/bench_report_pdf.py
Exits non-zero when the median render takes a second or more.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import io  # noqa: E402

from pypdf import PdfReader  # noqa: E402

from investigations.report_pdf import render_report_pdf  # noqa: E402

RECOMMENDATIONS = 40
ANNEX_ROWS = 300
RUNS = 5
LIMIT_SECONDS = 1.0

PASSAGE = (
    "chief constables should make sure that officers who first meet a possible victim of modern "
    "slavery record the referral to the national referral mechanism, tell the victim what support "
    "is available, and review within twenty eight days whether safeguarding, the investigation and "
    "the victim's immigration status have been handled in line with the authorised professional "
    "practice and the statutory guidance issued under the Modern Slavery Act 2015"
)
WORDS = PASSAGE.split()
RECIPIENTS = (
    "All chief constables",
    "Home Office",
    "National Police Chiefs' Council",
    "Heddlu Dyfed-Powys",
    "Crown Prosecution Service",
    "Police and crime commissioners",
)
KINDS = ("Police force", "Government department", "Police and crime commissioner")


def words(count: int, offset: int) -> str:
    return " ".join(WORDS[(offset + i) % len(WORDS)] for i in range(count))


def organisation(i: int) -> str:
    if i % 7 == 0:
        # Every seventh name is long enough to wrap in the annex table.
        return f"Office of the Police, Fire and Crime Commissioner for Example Constabulary {i} and the Example Fire and Rescue Authority"
    return f"Example Constabulary {i}"


def large_snapshot() -> dict[str, Any]:
    section = "\n\n".join(words(90, n) for n in range(4))
    return {
        "reference": "SC-2019-003",
        "designated_body": "Hestia",
        "complaint_title": "Underground lives: police response to victims of modern slavery",
        "title": "The hidden victims",
        "published_on": "2021-05-26",
        "summary": section,
        "steps_taken": section,
        "findings": section,
        "conclusions": section,
        "further_action": section,
        "recommendations": [
            {
                "number": n,
                "text": words(120, n),
                "due_on": "2021-11-26" if n % 2 else None,
                "recipients": [
                    RECIPIENTS[(n + k) % len(RECIPIENTS)] for k in range(2 + n % 3)
                ],
            }
            for n in range(1, RECOMMENDATIONS + 1)
        ],
        "actions": [
            {
                "number": n,
                "body": "College of Policing" if n % 2 else "HMICFRS",
                "text": words(60, n),
                "due_on": "2022-05-26" if n % 2 else None,
            }
            for n in range(1, 6)
        ],
        "annex": [
            {
                "organisation": organisation(i),
                "kind": KINDS[i % len(KINDS)],
                "recommendations": sorted(
                    {1 + i % RECOMMENDATIONS, 1 + (i * 7) % RECOMMENDATIONS, 3}
                ),
            }
            for i in range(1, ANNEX_ROWS + 1)
        ],
    }


def main() -> int:
    snapshot = large_snapshot()
    pdf = render_report_pdf(snapshot)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        pdf = render_report_pdf(snapshot)
        timings.append(time.perf_counter() - started)
    best, median = min(timings), statistics.median(timings)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)

    rows = [
        ("recommendations", str(RECOMMENDATIONS)),
        ("annex rows", str(ANNEX_ROWS)),
        ("pages", str(pages)),
        ("bytes", str(len(pdf))),
        ("best seconds", f"{best:.3f}"),
        ("median seconds", f"{median:.3f}"),
    ]
    width = max(len(label) for label, _ in rows)
    sys.stdout.write("".join(f"{label:<{width}}  {value}\n" for label, value in rows))
    if median >= LIMIT_SECONDS:
        sys.stderr.write(
            f"FAIL: median render {median:.3f} s is not under {LIMIT_SECONDS:.1f} s\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
