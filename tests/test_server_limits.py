"""A server with a 2 s timeout and updates allowed (on a copy of the data): a query past the
timeout is stopped and answered 503, its process gone and the server's CPU idle again,
while other queries are answered; queries beyond the queue are refused; updates need the token and are validated like
``iokg add``."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from support import DATA, Served, digest

TOKEN = "test-token-0b5c"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TICKS = os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    data = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(DATA, data)
    with Served("--timeout", "2", "--max-concurrent", "2", "--max-queued", "1", "--allow-update", "--data", str(data),
                env={"IOKG_UPDATE_TOKEN": TOKEN}) as server:
        server.data = data
        yield server


def ask(server, text: str = "ASK { ?s ?p ?o }", **headers):
    request = urllib.request.Request(server.url + "sparql?" + urllib.parse.urlencode({"query": text}),
                                     headers={"Accept": "application/sparql-results+json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` and of its reaped children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(value) for value in fields[11:15]) / TICKS


def test_query_past_the_timeout_is_stopped(limited):
    pid = limited.process.pid
    outcome = {}

    def slow():
        started = time.monotonic()
        outcome["status"], outcome["body"] = ask(limited, SLOW)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.7)
    assert children(pid), "the slow query runs in a child process of the server"
    started = time.monotonic()
    status, _ = ask(limited)
    assert status == 200 and time.monotonic() - started < 1.0, "the server answers others meanwhile"
    thread.join(timeout=60)
    assert outcome["status"] == 503 and b"stopped after 2 s" in outcome["body"]
    assert 2.0 <= outcome["seconds"] < 6.0
    started = time.monotonic()
    status, _ = ask(limited)
    assert status == 200 and time.monotonic() - started < 1.0, "the next query answers within 1 s"
    time.sleep(0.2)
    assert children(pid) == [], "the stopped query's process is gone"
    before = cpu_seconds(pid)
    time.sleep(1.0)
    assert cpu_seconds(pid) - before < 0.2, "the server's CPU is free again"


def test_queries_beyond_the_queue_are_503(limited):
    """Two run (--max-concurrent 2), one waits (--max-queued 1), the fourth is refused at once."""
    answers = []

    def slow():
        started = time.monotonic()
        status, body = ask(limited, SLOW)
        answers.append((status, body, time.monotonic() - started))

    threads = [threading.Thread(target=slow) for _ in range(4)]
    for thread in threads:
        thread.start()
        time.sleep(0.15)
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _, _ in answers] == [503] * 4
    refused = [seconds for _, body, seconds in answers if b"too many queries" in body]
    assert len(refused) == 1 and refused[0] < 1.0
    # The two running are stopped at 2 s; the one in line then runs (and is stopped) or has
    # waited its 2 s for a slot.
    stopped = sum(b"stopped after 2 s" in body for _, body, _ in answers)
    waited = sum(b"for a free query slot" in body for _, body, _ in answers)
    assert stopped >= 2 and stopped + waited == 3
    status, _ = ask(limited)
    assert status == 200


def update(server, text: str, token: str | None = TOKEN):
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(server.url + "sparql", data=text.encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def count_comments(server) -> int:
    status, body = ask(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#comment> ?o }")
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_updates_need_the_token_and_conform(limited):
    document = next(iter(sorted((limited.data / "documents").glob("*.ttl")))).stem
    graph = f"https://w3id.org/iokg/document/{document}"
    before = digest(limited.data)
    comments = count_comments(limited)
    valid = (f"INSERT DATA {{ GRAPH <{graph}> {{ <https://w3id.org/iokg/operation/test-update> "
             f"<http://www.w3.org/2000/01/rdf-schema#comment> \"added over HTTP\"@en }} }}")
    status, body = update(limited, valid, token=None)
    assert status == 401 and "bearer token" in body
    status, body = update(limited, valid, token="wrong")
    assert status == 401
    invalid = (f"INSERT DATA {{ GRAPH <{graph}> {{ <https://w3id.org/iokg/figure/test-update> a "
               f"<https://w3id.org/iokg/ontology#ReportedFigure> }} }}")
    status, body = update(limited, invalid)
    assert status == 422 and "nothing was added" in body and "Violation" in body
    status, body = update(limited, "INSERT DATA { <urn:a:s> <urn:a:p> <urn:a:o> }")
    assert status == 400 and "not to the default graph" in body
    status, body = update(limited, f"LOAD <http://127.0.0.1:9/x> INTO GRAPH <{graph}>")
    assert status == 400 and "refused" in body
    assert digest(limited.data) == before, "a refused update changes no file"
    status, body = update(limited, valid)
    assert status == 200 and f"{document}.ttl" in body
    assert count_comments(limited) == comments + 1, "the server answers from the updated graph"
    assert digest(limited.data) != before
    status, body = update(limited, valid.replace("INSERT DATA", "DELETE DATA"))
    assert status == 400 and "only additions" in body
