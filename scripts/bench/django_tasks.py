"""The bench's work inside Django, run as `python scripts/bench/django_tasks.py TASK` with the
bench's environment (DATABASE_URL, production settings). Each task prints one JSON document.

- `prepare USERS`: sign in the virtual users (USERS sessions per page, each made by the real
  `login()`, as a sign-in form would), and pick the pages and the writers for the fault test.
- `queries`: how many queries each benched page makes, measured in-process with
  CaptureQueriesContext through the test client (after one warm-up request).
- `verify FILE`: whether every transition acknowledged during the fault test (FILE: JSON list of
  [response id, transition, target]) is in the database and in the transition log.
- `profile WORDS [N] [--cold]`: for iterating on a page, not part of the bench: requests each page
  whose name contains one of WORDS (comma-separated) N times in-process as the bench's user, and
  prints the app's and the database backend's CPU ms per request and the top cProfile entries.
  `--cold` empties the derived-content cache before each request (the cost of a cache miss).
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import login  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from accounts.models import Organisation, OrganisationKind, User  # noqa: E402
from complaints.models import SuperComplaint  # noqa: E402
from recommendations.models import RecommendationResponse  # noqa: E402
from workflow.integrity import verify_chain  # noqa: E402
from workflow.models import TransitionLog  # noqa: E402

State = RecommendationResponse.State
MET = "metropolitan-police-service"
HOST = "127.0.0.1"


def sign_in(user: User) -> str:
    """A new session for `user`, made by Django's own `login()` (its signals stamp the sign-in
    time, record the access and so on). Returns the session key."""
    request = RequestFactory().post("/sign-in/", REMOTE_ADDR=HOST, HTTP_HOST=HOST)
    request.session = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    login(request, user, backend="accounts.backends.UserBackend")
    request.session.save()
    return request.session.session_key


def complaint_page() -> str:
    """The page of the most recently published complaint (the same kind of page at every scale)."""
    complaint = (
        SuperComplaint.objects.filter(investigation__published_report__isnull=False)
        .order_by("-investigation__report_published_on", "-pk")
        .first()
    )
    return f"/complaints/{complaint.pk}/"


def pages() -> list[dict[str, Any]]:
    """(name, path, who looks: a username or None for the public) of every benched page, or of
    those whose name contains one of BENCH_ONLY's comma-separated words (to iterate on a page)."""
    only = [word for word in os.environ.get("BENCH_ONLY", "").split(",") if word]
    return [
        page
        for page in all_pages()
        if not only or page is BASELINE or any(word in page["name"] for word in only)
    ]


# The two references the pages are compared with (no p95 target of their own): the framework's
# floor and the peer, Django's own admin listing the same responses.
BASELINE = {
    "name": "baseline (/healthz)",
    "path": "/healthz",
    "user": None,
    "reference": True,
}


def all_pages() -> list[dict[str, Any]]:
    return [
        BASELINE,
        {
            "name": "monitoring dashboard",
            "path": "/monitoring/",
            "user": "scale-monitor",
        },
        {"name": "public tracker", "path": "/tracker/", "user": None},
        {
            "name": "recipient's workspace",
            "path": "/responses/",
            "user": f"scale-{MET}",
        },
        {"name": "complaint page", "path": complaint_page(), "user": "scale-triager"},
        {
            "name": "admin change list (peer)",
            "path": "/admin/recommendations/recommendationresponse/",
            "user": "scale-admin",
            "reference": True,
            "peer": True,
        },
    ]


def writers(count: int) -> list[dict[str, Any]]:
    """The recipients with the most responses still awaiting one, each with a session and the
    responses it will publish (and then start work on) during the fault test."""
    forces = Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE).exclude(
        slug=MET
    )
    chosen = []
    for organisation in forces:
        awaiting = list(
            RecommendationResponse.objects.filter(
                organisation=organisation,
                state=State.AWAITING_RESPONSE,
                joint_with__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        chosen.append((len(awaiting), organisation.slug, awaiting))
    chosen.sort(reverse=True)
    found = []
    for _count, slug, awaiting in chosen[:count]:
        user = User.objects.get(username=f"scale-{slug}")
        found.append(
            {
                "user": user.username,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={sign_in(user)}",
                "responses": awaiting,
            }
        )
    return found


def prepare(users_per_page: int, writer_count: int) -> dict[str, Any]:
    found = []
    for page in pages():
        cookies = []
        if page["user"]:
            user = User.objects.get(username=page["user"])
            cookies = [
                f"{settings.SESSION_COOKIE_NAME}={sign_in(user)}"
                for _ in range(users_per_page)
            ]
        found.append({**page, "cookies": cookies})
    return {"pages": found, "writers": writers(writer_count)}


def queries() -> dict[str, Any]:
    counts = {}
    for page in pages():
        client = Client(HTTP_HOST=HOST, REMOTE_ADDR=HOST)
        if page["user"]:
            client.cookies[settings.SESSION_COOKIE_NAME] = sign_in(
                User.objects.get(username=page["user"])
            )
        client.get(page["path"])  # warm-up: per-process caches, as in a running worker
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page["path"])
        if response.status_code != 200:
            raise SystemExit(f"{page['path']} answered {response.status_code}")
        counts[page["name"]] = len(captured)
    return {
        "queries": counts,
        "responses": RecommendationResponse.objects.count(),
    }


def _backend_cpu_seconds() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (0 on another database or when
    the backend runs on another machine)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2 :].split()
    # proc(5) fields 14 and 15 (utime, stime), counted from field 3 here.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def profile(words: str, count: int, *, cold: bool) -> str:
    """Each chosen page `count` times after one warm-up request: CPU per request and where the
    app's CPU goes."""
    report = io.StringIO()
    os.environ["BENCH_ONLY"] = words
    for page in pages():
        if page is BASELINE and "healthz" not in words:
            continue
        client = Client(HTTP_HOST=HOST, REMOTE_ADDR=HOST)
        if page["user"]:
            client.cookies[settings.SESSION_COOKIE_NAME] = sign_in(
                User.objects.get(username=page["user"])
            )
        client.get(page["path"])
        # Timed without the profiler (which costs as much again), then profiled.
        profiler = cProfile.Profile()
        app = database = 0.0
        for profiled in (False, True):
            for _ in range(count):
                if cold:
                    caches["derived"].clear()
                db_before = _backend_cpu_seconds()
                before = time.process_time()
                if profiled:
                    profiler.enable()
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(page["path"])
                if profiled:
                    profiler.disable()
                else:
                    app += time.process_time() - before
                    database += _backend_cpu_seconds() - db_before
                if response.status_code != 200:
                    raise SystemExit(f"{page['path']} answered {response.status_code}")
        report.write(
            f"\n=== {page['name']} {page['path']}: app {app * 1000 / count:.1f} ms, "
            f"database {database * 1000 / count:.1f} ms per request; "
            f"{len(captured)} queries, {len(response.content):,} bytes\n"
        )
        stats = pstats.Stats(profiler, stream=report)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
    return report.getvalue()


# What each acknowledged transition leaves on the response, besides its state.
STAMPS = {"publish_response": "published_at", "start_work": "work_started_at"}


def verify(path: str) -> dict[str, Any]:
    """Each acknowledged transition must be in the transition log and have left its mark on the
    response (its timestamp), and each response's state must be the target of its latest log
    entry (a later transition whose answer was lost in a fault may have moved it on)."""
    acknowledged = [tuple(item) for item in json.loads(Path(path).read_text())]
    ids = {pk for pk, _name, _target in acknowledged}
    response_type = ContentType.objects.get_for_model(RecommendationResponse)
    logs = TransitionLog.objects.filter(
        content_type=response_type, object_id__in=ids
    ).order_by("pk")
    logged = {(log.object_id, log.transition, log.target) for log in logs}
    latest_target = {log.object_id: log.target for log in logs}
    responses = RecommendationResponse.objects.in_bulk(ids)
    missing_from_log = [item for item in acknowledged if item not in logged]
    unstamped = [
        item
        for item in acknowledged
        if getattr(responses[item[0]], STAMPS[item[1]]) is None
    ]
    wrong_state = [pk for pk in ids if responses[pk].state != latest_target.get(pk)]
    lost = (
        set(missing_from_log)
        | set(unstamped)
        | {item for item in acknowledged if item[0] in wrong_state}
    )
    report = verify_chain()
    return {
        "acknowledged": len(acknowledged),
        "missing_from_log": len(missing_from_log),
        "not_in_database": len(unstamped) + len(wrong_state),
        "lost": len(lost),
        "log_chain_intact": report.intact,
        "log_entries_verified": report.verified,
    }


def main() -> None:
    task, *args = sys.argv[1:]
    if task == "prepare":
        result = prepare(int(args[0]), int(args[1]))
    elif task == "queries":
        result = queries()
    elif task == "verify":
        result = verify(args[0])
    elif task == "profile":
        cold = "--cold" in args
        words, *rest = [arg for arg in args if arg != "--cold"]
        sys.stdout.write(profile(words, int(rest[0]) if rest else 20, cold=cold))
        return
    else:
        raise SystemExit(f"unknown task {task!r}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
