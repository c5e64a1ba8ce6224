"""The fault test of `make bench`: readers load pages and writers take real transitions over HTTP
while one gunicorn worker is killed with SIGKILL and then PostgreSQL is restarted.

Every request is recorded with its start, end and outcome, so errors are split into those that
overlap a fault (expected) and the rest (steady state, which must be none). A prober asks for the
bare baseline and a database-backed page every 100 ms: a fault's recovery time runs from the fault
to the first success after the last failure of either. A writer counts a transition as acknowledged
only when the service said it succeeded (the redirect after a published response; the success
message after starting work), and records (response id, transition, target) for the check against
the database and the transition log afterwards.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

TIMEOUT = 15
PROBE_EVERY = 0.1
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_FIELD = re.compile(r'name="response-version" value="(\d+)"')
STARTED_MESSAGE = "Work on implementing the recommendation has started."
ID = re.compile(r"\d+")


@dataclass
class Outcome:
    kind: str  # "read", "write", "probe-baseline", "probe-db"
    start: float
    end: float
    ok: bool
    what: str  # status or exception, method and path (ids as <id>)


@dataclass
class Client:
    """A raw HTTP/1.1 client with a cookie jar: one per virtual user (and thread)."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                self.host, self.port, timeout=TIMEOUT
            )
        headers = {"Host": self.host}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except Exception:
            self.connection.close()
            self.connection = None
            raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if cookie_value in ("", '""') or "max-age=0" in rest.lower():
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = cookie_value
        if response.will_close:
            self.connection.close()
            self.connection = None
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text


def cookie_pair(cookie: str) -> dict[str, str]:
    name, _, value = cookie.partition("=")
    return {name: value}


class FaultTest:
    def __init__(
        self,
        *,
        port: int,
        pages: list[dict[str, Any]],
        writers: list[dict[str, Any]],
        readers: int,
        db_probe: dict[str, Any],
    ) -> None:
        self.port = port
        self.pages = pages
        self.writers = writers
        self.readers = readers
        self.db_probe = db_probe
        self.outcomes: list[Outcome] = []
        self.acknowledged: list[tuple[int, str, str]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def _timed(
        self,
        kind: str,
        client: Client,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        expect: int = 200,
    ) -> tuple[int, dict[str, str], str] | None:
        """Make the request, record how it went; the answer if it was `expect`, else None."""
        start = time.monotonic()
        where = f"{method} {ID.sub('<id>', path)}"
        try:
            status, headers, text = client.request(method, path, form)
        except Exception as error:  # noqa: BLE001 - every failure is an outcome to count
            with self.lock:
                self.outcomes.append(
                    Outcome(
                        kind,
                        start,
                        time.monotonic(),
                        False,
                        f"{type(error).__name__} {where}",
                    )
                )
            return None
        ok = status == expect
        with self.lock:
            self.outcomes.append(
                Outcome(kind, start, time.monotonic(), ok, f"{status} {where}")
            )
        return (status, headers, text) if ok else None

    # --- The virtual users ---------------------------------------------------------------------
    def reader(self, number: int) -> None:
        clients = []
        for page in self.pages:
            cookies = page["cookies"]
            client = Client("127.0.0.1", self.port)
            if cookies:
                client.cookies.update(cookie_pair(cookies[number % len(cookies)]))
            clients.append((page["path"], client))
        turn = number
        while not self.stop.is_set():
            path, client = clients[turn % len(clients)]
            turn += 1
            self._timed("read", client, "GET", path)

    def writer(self, spec: dict[str, Any]) -> None:
        client = Client("127.0.0.1", self.port)
        client.cookies.update(cookie_pair(spec["cookie"]))
        for pk in spec["responses"]:
            if self.stop.is_set():
                return
            page = f"/responses/{pk}/"
            found = self._timed("write", client, "GET", page)
            if found is None or not VERSION_FIELD.search(found[2]):
                continue
            text = found[2]
            published = self._timed(
                "write",
                client,
                "POST",
                f"{page}draft/",
                {
                    "csrfmiddlewaretoken": CSRF_FIELD.search(text).group(1),
                    "response-version": VERSION_FIELD.search(text).group(1),
                    "response-outcome": "accepted",
                    "response-text": "We accept the recommendation (load test).",
                    "publish": "1",
                },
                expect=302,
            )
            if published is None or not published[1].get("location", "").endswith(
                "#response"
            ):
                continue
            with self.lock:
                self.acknowledged.append((pk, "publish_response", "response_published"))
            found = self._timed("write", client, "GET", page)
            if found is None or not CSRF_FIELD.search(found[2]):
                continue
            token = CSRF_FIELD.search(found[2]).group(1)
            started = self._timed(
                "write",
                client,
                "POST",
                f"{page}do/start_work/",
                {"csrfmiddlewaretoken": token},
                expect=302,
            )
            if started is None:
                continue
            # The view redirects either way: success is what the next page says.
            shown = self._timed("write", client, "GET", page)
            if shown is not None and STARTED_MESSAGE in shown[2]:
                with self.lock:
                    self.acknowledged.append((pk, "start_work", "in_progress"))

    def prober(self, kind: str, path: str, cookies: list[str]) -> None:
        client = Client("127.0.0.1", self.port)
        if cookies:
            client.cookies.update(cookie_pair(cookies[0]))
        while not self.stop.is_set():
            self._timed(kind, client, "GET", path)
            time.sleep(PROBE_EVERY)

    # --- The run ---------------------------------------------------------------------------------
    def run(
        self, faults: list[tuple[str, float, Callable[[], None]]], total: float
    ) -> dict[str, Any]:
        """Start the users, cause each fault at its offset (seconds), stop after `total`."""
        threads = [
            threading.Thread(target=self.reader, args=(n,), daemon=True)
            for n in range(self.readers)
        ]
        threads += [
            threading.Thread(target=self.writer, args=(spec,), daemon=True)
            for spec in self.writers
        ]
        threads += [
            threading.Thread(
                target=self.prober, args=("probe-baseline", "/healthz", []), daemon=True
            ),
            threading.Thread(
                target=self.prober,
                args=("probe-db", self.db_probe["path"], self.db_probe["cookies"]),
                daemon=True,
            ),
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        caused = []
        for name, offset, cause in faults:
            time.sleep(max(0.0, began + offset - time.monotonic()))
            at = time.monotonic()
            cause()
            caused.append((name, at, time.monotonic()))
        time.sleep(max(0.0, began + total - time.monotonic()))
        self.stop.set()
        for thread in threads:
            thread.join(timeout=TIMEOUT + 5)
        return self.summary(caused, began)

    def recovered_at(self, kind: str, since: float, until: float) -> float:
        """When `kind` probes succeed again after a fault at `since`: the first success after the
        last failure in [since, until)."""
        probes = sorted(
            (o for o in self.outcomes if o.kind == kind and since <= o.start < until),
            key=lambda o: o.start,
        )
        last_failure = max((o.end for o in probes if not o.ok), default=None)
        if last_failure is None:
            return min((o.end for o in probes if o.ok), default=since)
        return min(
            (o.end for o in probes if o.ok and o.start >= last_failure),
            default=float("inf"),
        )

    def summary(self, caused: list[tuple[str, float, float]], began: float) -> dict:
        ends = [at for _name, at, _done in caused[1:]] + [float("inf")]
        faults = []
        windows = []
        for (name, at, done), until in zip(caused, ends, strict=True):
            recovered = max(
                self.recovered_at("probe-baseline", at, until),
                self.recovered_at("probe-db", at, until),
            )
            faults.append(
                {
                    "fault": name,
                    "at_s": round(at - began, 2),
                    "took_s": round(done - at, 2),
                    "recovery_s": round(recovered - at, 2),
                }
            )
            windows.append((at, recovered))
        traffic = [o for o in self.outcomes if not o.kind.startswith("probe")]

        def in_fault(o: Outcome) -> bool:
            return any(o.start <= end and o.end >= start for start, end in windows)

        errors = [o for o in traffic if not o.ok]
        steady = [o for o in errors if not in_fault(o)]
        return {
            "requests": len(traffic),
            "errors": len(errors),
            "errors_in_fault_windows": len(errors) - len(steady),
            "steady_state_errors": len(steady),
            "steady_state_error_kinds": dict(Counter(o.what for o in steady)),
            "fault_error_kinds": dict(
                Counter(o.what for o in errors if in_fault(o)).most_common()
            ),
            "faults": faults,
            "acknowledged": list(self.acknowledged),
        }
