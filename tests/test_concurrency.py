"""No lost writes: parallel adds to the same new document, and adds killed at random
points (issue 8, item 1).

Both tests work on ``tests/concurrency/data`` (a minimal data folder: one document, four
reference entities) copied into a temporary folder, and run ``kg.curation.add`` in
processes forked from the test process, so that each add costs its lock, load, placement,
validation and commit rather than a Python start-up. Validation is a pure function of the
batch and the graph; the tests memoize it by content (warmed in the parent before forking),
so that forty adds cost the lock and the writes, not forty runs of pySHACL. What is tested
(the lock taken before the state is read, the commit, the recovery) is the real code.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sys
import textwrap
import time
import traceback
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

import kg.curation.addition
import kg.dataset
from kg.files import JOURNAL
from kg.namespaces import FIGURE
from support import PREFIXES, ROOT

MINIMAL = ROOT / "tests" / "concurrency" / "data"
ROUNDS = 20
TRIALS = 50
#: The crash trials' random points; IOKG_CRASH_SEED=N replays another sequence.
SEED = int(os.environ.get("IOKG_CRASH_SEED", "20261130"))


def batch(slug: str, value: int) -> str:
    """A figure of a new document doc:950 (with the document and the operation's
    io:reportedIn doc:950): two batches with different slugs go into the same new graph."""
    return PREFIXES + textwrap.dedent(f"""
        doc:950 a io:SourceDocument ;
            rdfs:label "Document 950 (test)"@en ;
            io:url "https://example.org/reports/950"^^xsd:anyURI ;
            io:language "en"^^xsd:language ;
            io:headline "Report 950"@en ;
            io:publicationDate "2024-06-01"^^xsd:date .

        op:test-lighthouse a io:InfluenceOperation ;
            rdfs:label "Lighthouse network (test)"@en ;
            io:reportedIn doc:950 .

        fig:950-{slug} a io:ReportedFigure ;
            rdfs:label "Lighthouse network: {value} {slug}"@en ;
            io:value {value} ;
            io:measures io:{slug} ;
            io:role io:total ;
            io:qualifier io:exact ;
            io:onPlatform platform:facebook ;
            io:aboutOperation op:test-lighthouse ;
            io:reportedIn doc:950 ;
            io:evidence "{value} {slug}"@en .
    """)


def _content_key(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        if part is None:
            digest.update(b"-")
            continue
        part = getattr(part, "dataset", part)  # a Batch
        quads = part.quads((None, None, None, None)) if isinstance(part, Dataset) else ((*t, None) for t in part)
        lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} {getattr(g, 'identifier', g)}" for s, p, o, g in quads)
        digest.update("\n".join(lines).encode("utf-8") + b"\n\n")
    return digest.hexdigest()


@pytest.fixture()
def memoized(monkeypatch):
    """Validation (``check_change``) and the ontology's parse memoized by content."""
    validations: dict = {}
    real_check = kg.curation.addition.check_change

    def check_change(batch, existing, *, removed=None, replacing=False):
        key = (_content_key(batch, existing, removed), replacing)
        if key not in validations:
            validations[key] = real_check(batch, existing, removed=removed, replacing=replacing)
        return validations[key]

    parsed: dict = {}
    real_parse = kg.dataset.parse_file

    def parse_file(path, **options):
        path = Path(path)
        if MINIMAL.name in path.parts or path.suffix != ".ttl" or "ontology" not in path.parts:
            return real_parse(path, **options)
        key = (str(path), path.stat().st_mtime_ns)
        if key not in parsed:
            parsed[key] = real_parse(path, **options)
        graph = Graph()
        graph += parsed[key]
        return graph

    monkeypatch.setattr(kg.curation.addition, "check_change", check_change)
    monkeypatch.setattr(kg.dataset, "parse_file", parse_file)
    return validations


def fresh(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(MINIMAL, folder)
    return folder


def forked(function, *args, gate: tuple[int, int] | None = None) -> int:
    """Run ``function(*args)`` in a forked child; exit 0 if it returns True. With ``gate``
    (a pipe's read and write ends) the child first waits until the parent closes the
    write end."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        if gate is not None:
            os.close(gate[1])
            os.read(gate[0], 1)
        code = 0 if function(*args) else 1
    except BaseException as error:  # report, then leave without running the parent's clean-up
        code = getattr(error, "exit_code", 1) if isinstance(error, KeyboardInterrupt) else 1
        if code == 1:
            traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def adding(path: Path, folder: Path) -> bool:
    result = kg.curation.add([path], data_dir=folder)
    return result.applied


def leftovers(folder: Path) -> list[str]:
    """Temporary files and journals in the data folder."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*") if p.is_file())


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.ttl")) if p.is_file()
            and not p.name.startswith(".")}


def test_parallel_adds_to_the_same_new_document_lose_nothing(tmp_path, memoized):
    first, second = tmp_path / "accounts.ttl", tmp_path / "pages.ttl"
    first.write_text(batch("accounts", 12), encoding="utf-8")
    second.write_text(batch("pages", 3), encoding="utf-8")
    for order in ((first, second), (second, first)):  # warm the memo: every state either order meets
        folder = fresh(tmp_path, f"warm-{order[0].stem}")
        for path in order:
            assert kg.curation.add([path], data_dir=folder).applied
    started = time.monotonic()
    failures = []
    for round_ in range(ROUNDS):
        folder = fresh(tmp_path, f"round-{round_}")
        ready, go = os.pipe()
        pids = [forked(adding, path, folder, gate=(ready, go)) for path in (first, second)]
        os.close(go)  # both children start together
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
        os.close(ready)
        written = folder / "documents" / "950.ttl"
        graph = Graph().parse(written, format="turtle") if written.exists() else Graph()
        present = [slug for slug in ("accounts", "pages") if (FIGURE[f"950-{slug}"], None, None) in graph]
        if codes != [0, 0] or present != ["accounts", "pages"] or leftovers(folder):
            failures.append(f"round {round_}: exit codes {codes}, figures present {present}, left {leftovers(folder)}")
    elapsed = time.monotonic() - started
    print(f"{ROUNDS} rounds of two parallel adds in {elapsed:.1f} s: {len(failures)} failure(s)")
    assert not failures, "\n".join(failures)


def _kill_at_call(targets: list[tuple[object, str]], call: int, signum: int):
    """Make the ``call``-th call of any of ``targets`` (module, function name) send ``signum``
    to this process first (in a forked child only)."""
    counter = [0]
    for module, name in targets:
        original = getattr(module, name)

        def wrapped(*args, _original=original, **kwargs):
            counter[0] += 1
            if counter[0] == call:
                os.kill(os.getpid(), signum)
            return _original(*args, **kwargs)

        setattr(module, name, wrapped)


def _killed_inside_commit(path: Path, folder: Path, call: int, signum: int) -> bool:
    import kg.files

    _kill_at_call([(kg.files, "_write_temporary"), (kg.files.os, "replace"), (kg.files.os, "fsync"),
                   (kg.files.os, "unlink")], call, signum)
    return adding(path, folder)


def test_adds_killed_at_random_points_leave_every_file_old_or_new(tmp_path, memoized):
    path = tmp_path / "accounts.ttl"
    path.write_text(batch("accounts", 12), encoding="utf-8")
    old = files_of(MINIMAL)
    warm = fresh(tmp_path, "warm")
    assert kg.curation.add([path], data_dir=warm).applied  # warms the memo
    new = files_of(warm)
    started = time.monotonic()  # how long a forked add takes: the span the kills are spread over
    measured = forked(adding, path, fresh(tmp_path, "measured"))
    assert os.waitstatus_to_exitcode(os.waitpid(measured, 0)[1]) == 0
    duration = time.monotonic() - started
    assert new != old and set(new) - set(old) == {"documents/950.ttl"}
    rng = random.Random(SEED)
    failures, outcomes = [], {"before the lock or while validating": 0, "inside the commit": 0}
    started = time.monotonic()
    for trial in range(TRIALS):
        folder = fresh(tmp_path, f"trial-{trial}")
        signum = rng.choice([signal.SIGKILL, signal.SIGTERM])
        if trial % 2:
            pid = forked(_killed_inside_commit, path, folder, rng.randint(1, 8), signum)
            where = "inside the commit"
        else:
            pid = forked(adding, path, folder)
            time.sleep(rng.uniform(0, duration * 1.2))
            os.kill(pid, signum)  # a child that has finished is a zombie until reaped: no harm
            where = "before the lock or while validating"
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        outcomes[where] += 1
        problems = []
        now = files_of(folder)
        for name in sorted(set(old) | set(new) | set(now)):
            if now.get(name) not in (old.get(name), new.get(name)):
                problems.append(f"{name} is neither old nor new")
        if signum == signal.SIGTERM and leftovers(folder) and not (folder / JOURNAL).exists():
            problems.append(f"SIGTERM left temporary files {leftovers(folder)}")
        try:
            kg.dataset.load(data_dir=folder)
        except Exception as error:  # the graph must load after any kill
            problems.append(f"does not load: {error}")
        follow = forked(adding, path, folder)
        code = os.waitstatus_to_exitcode(os.waitpid(follow, 0)[1])
        if code != 0 or files_of(folder) != new or leftovers(folder):
            problems.append(f"the next add (exit {code}) left {leftovers(folder)}; files new: {files_of(folder) == new}")
        if problems:
            failures.append(f"trial {trial} ({signal.Signals(signum).name} {where}, status {status}): {'; '.join(problems)}")
    elapsed = time.monotonic() - started
    print(f"{TRIALS} killed adds (seed {SEED}; an add takes {duration:.2f} s) in {elapsed:.1f} s: {outcomes}; "
          f"{len(failures)} failure(s)")
    assert not failures, "\n".join(failures)
    assert all(outcomes.values())
