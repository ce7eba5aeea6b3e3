"""Incremental validation gives the same verdict and messages as a full validation.

Many generated batches, valid and invalid, are validated against the curated graph twice:
restricted to the nodes the batch can affect (``incremental=True``, what ``iokg validate``
and ``iokg add`` do) and over the whole graph (``incremental=False``). Both must report the
same new problems. The batches include ones that break a constraint of an *existing* node
(a second value where at most one is allowed, a document date that its responses now
come after, an existing figure made part of a smaller total).
"""

from __future__ import annotations

import random

import pytest
from rdflib import Graph

from kg.dataset import load
from kg.validation import load_shapes, validate
from support import PREFIXES



def _figure(n: int, **change: str) -> dict[str, str]:
    props = {
        "a": "io:ReportedFigure",
        "rdfs:label": f'"Differential figure {n}"@en',
        "io:value": str(100 + n),
        "io:measures": "io:accounts",
        "io:role": "io:total",
        "io:qualifier": "io:exact",
        "io:onPlatform": "platform:facebook",
        "io:aboutOperation": "op:spamouflage",
        "io:outcomeOf": "resp:meta-spamouflage-takedown",
        "io:reportedIn": "doc:000",
        "io:evidence": f'"{100 + n} accounts"@nl',  # the number in its evidence (the evidence rule)
    }
    props.update(change)
    return {k: v for k, v in props.items() if v}


def _response(n: int, **change: str) -> dict[str, str]:
    props = {
        "a": "io:Suspension",
        "rdfs:label": f'"Differential response {n}"@en',
        "io:respondent": "actor:twitter-inc",
        "io:onPlatform": "platform:twitter",
        "io:respondsTo": "op:bloomberg-2020",
        "io:date": '"2020-02"^^xsd:gYearMonth',
        "io:status": "io:carriedOut",
        "io:reportedIn": "doc:004",
        "io:evidence": '"Twitter heeft 70 accounts geblokkeerd"@nl',
    }
    props.update(change)
    return {k: v for k, v in props.items() if v}


def _turtle(subject: str, props: dict[str, str]) -> str:
    body = " ;\n    ".join(f"{k} {v}" for k, v in props.items())
    return f"{subject}\n    {body} .\n"


#: Ways to break a new node (each a change to its properties).
FIGURE_BREAKS = [
    {},
    {"io:value": "-5"},
    {"io:value": '"many"'},
    {"io:reportedIn": ""},
    {"io:aboutOperation": "op:nowhere"},
    {"io:evidence": '"7704 accounts"'},
    {"io:qualifier": "io:core"},
    {"io:measures": "io:adSpend"},
    {"io:partOf": "fig:002-china-total-accounts"},
    {"io:partOf": "fig:000-facebook-groups"},
    {"io:onPlatform": "actor:meta"},
    {"rdfs:label": '"one"@en, "two"@en'},
]
RESPONSE_BREAKS = [
    {},
    {"io:date": '"2021-01"^^xsd:gYearMonth'},
    {"io:date": '"2020-02-31"^^xsd:date'},
    {"io:respondent": "platform:twitter"},
    {"io:status": "io:core"},
    {"io:respondsTo": "op:spamouflage"},
]
#: Batches that touch existing nodes.
EXISTING_BREAKS = [
    "",
    "fig:000-facebook-accounts io:value 7705 .",
    "fig:000-facebook-accounts io:measures io:pages .",
    'doc:004 io:publicationDate "2019-01-01"^^xsd:date .',
    "fig:001-twitter-accounts-removed io:partOf fig:001-facebook-pages-removed .",
    'op:spamouflage rdfs:label "Spamouflage Dragon"@en .',
    'resp:twitter-2020-china-takedown io:date "2020-07"^^xsd:gYearMonth .',
    "claim:000-meta-attribution io:claimant platform:facebook .",
]


def batches(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        valid = n % 4 == 0  # a quarter of the batches are valid
        parts = []
        for k in range(rng.randint(1, 3)):
            breaks = {} if valid else rng.choice(FIGURE_BREAKS)
            parts.append(_turtle(f"fig:000-differential-{n}-{k}", _figure(n * 10 + k, **breaks)))
        if rng.random() < 0.5:
            breaks = {} if valid else rng.choice(RESPONSE_BREAKS)
            parts.append(_turtle(f"resp:differential-{n}", _response(n, **breaks)))
        parts.append(("" if valid else rng.choice(EXISTING_BREAKS)) + "\n")
        out.append(PREFIXES + "\n".join(parts))
    return out


BATCHES = batches(24)


@pytest.fixture(scope="module")
def context():
    return load(), load_shapes()


def _keys(report):
    return sorted((r.severity.value, r.focus, r.path, r.value, r.message, r.shape) for r in report.results)


def test_batches_cover_valid_invalid_and_existing_nodes(context):
    dataset, shapes = context
    verdicts = []
    for text in BATCHES:
        graph = Graph().parse(data=text, format="turtle")
        verdicts.append(validate(graph, against=dataset, shapes=shapes).conforms)
    assert True in verdicts and False in verdicts
    touched_existing = sum(1 for t in BATCHES if "fig:000-facebook-accounts io:" in t or "doc:004 io:" in t)
    assert touched_existing > 0


@pytest.mark.parametrize("index", range(len(BATCHES)))
def test_incremental_equals_full(context, index):
    dataset, shapes = context
    graph = Graph().parse(data=BATCHES[index], format="turtle")
    incremental = validate(graph, against=dataset, shapes=shapes, incremental=True)
    full = validate(graph, against=dataset, shapes=shapes, incremental=False)
    assert incremental.conforms == full.conforms
    assert _keys(incremental) == _keys(full)


@pytest.mark.parametrize(
    "triple, message",
    [
        ("fig:000-facebook-accounts io:value 7705 .", "io:value"),
        ('doc:004 io:publicationDate "2019-01-01"^^xsd:date .', "after the date"),
    ],
)
def test_a_batch_that_breaks_an_existing_node_is_caught(context, triple, message):
    dataset, shapes = context
    graph = Graph().parse(data=PREFIXES + triple, format="turtle")
    report = validate(graph, against=dataset, shapes=shapes)
    assert not report.conforms
    assert any(message in r.message or message in r.path for r in report.violations), [str(r) for r in report.results]
