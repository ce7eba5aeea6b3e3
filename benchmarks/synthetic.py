"""A deterministic synthetic influence-operations graph, shaped like the curated one.

Same classes and properties as ``kg/data/documents/*.ttl``: source documents, operations
with sponsors, platforms, targets, narratives and techniques, attributions, takedowns and
reported figures with qualifiers, roles and evidence quotes. The same seed and size always
give the same graph (no clock, no global random state).

    python benchmarks/synthetic.py --triples 100000 --seed 1 -o /tmp/synthetic.nq
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.namespaces import (  # noqa: E402
    ACTOR, CLAIM, COUNTRY, DISARM, DOCUMENT, FIGURE, IO, NARRATIVE, OPERATION, PLATFORM, RESPONSE, TARGET,
)

PLATFORMS = ["facebook", "instagram", "twitter", "youtube", "tiktok", "reddit", "pinterest", "medium", "quora"]
STATES = ["china", "russia", "turkey", "united-states", "taiwan", "japan", "australia", "united-kingdom"]
NARRATIVES = ["hong-kong-protests", "covid-19", "taiwan", "xinjiang", "guo-wengui", "us-western-foreign-policy", "united-russia"]
TECHNIQUES = ["T0049", "T0049.003", "T0084.001", "T0002", "T0018", "T0149.007"]
AUDIENCES = ["chinese-diaspora", "chinese-speaking-audiences", "global-social-media-users"]
LANGUAGES = ["en", "nl", "fr", "sv"]
MEASURES = ["accounts", "pages", "groups", "followers"]
QUALIFIERS = ["exact", "about", "over", "nearly", "atLeast"]

#: Triples the generator writes per operation (measured; used to size the graph).
TRIPLES_PER_OPERATION = 86


class Generator:
    """Writes synthetic documents and operations into a ``Dataset``, one named graph per
    document, from a seeded random generator."""

    def __init__(self, *, seed: int = 1, operations_per_document: int = 20):
        self.random = random.Random(seed)
        self.per_document = operations_per_document

    def document(self, dataset: Dataset, index: int) -> tuple[URIRef, Graph, str]:
        doc = DOCUMENT[f"synthetic-{index:06d}"]
        graph = dataset.graph(doc)
        language = self.random.choice(LANGUAGES)
        year = 2016 + index % 8
        graph.add((doc, RDF.type, IO.SourceDocument))
        graph.add((doc, RDFS.label, Literal(f"Synthetic document {index}", lang="en")))
        graph.add((doc, IO.fileName, Literal(f"synthetic-{index:06d}.txt")))
        graph.add((doc, IO.sha256, Literal(f"{index:064x}", datatype=XSD.hexBinary)))
        graph.add((doc, IO.language, Literal(language, datatype=XSD.language)))
        graph.add((doc, IO.headline, Literal(f"Synthetic headline {index}", lang=language)))
        graph.add((doc, IO.publicationDate, Literal(f"{year}-12-31", datatype=XSD.date)))
        return doc, graph, language

    def operation(self, graph: Graph, doc: URIRef, language: str, index: int, year: int) -> list[URIRef]:
        r = self.random
        op = OPERATION[f"synthetic-{index:07d}"]
        quote = Literal(f"quote {index}", lang=language)
        graph.add((op, RDF.type, IO.InfluenceOperation))
        graph.add((op, RDFS.label, Literal(f"Synthetic operation {index}", lang="en")))
        sponsor = COUNTRY[r.choice(STATES[:3])]
        graph.add((op, IO.sponsoredBy, sponsor))
        platforms = r.sample(PLATFORMS, 2)
        for platform in platforms:
            graph.add((op, IO.activeOn, PLATFORM[platform]))
        graph.add((op, IO.targets, COUNTRY[r.choice(STATES[3:])]))
        graph.add((op, IO.targets, TARGET[r.choice(AUDIENCES)]))
        graph.add((op, IO.pushesNarrative, NARRATIVE[r.choice(NARRATIVES)]))
        graph.add((op, IO.usesTechnique, DISARM[r.choice(TECHNIQUES)]))
        graph.add((op, IO.reportedIn, doc))
        graph.add((op, IO.evidence, quote))

        claim = CLAIM[f"synthetic-{index:07d}-attribution"]
        graph.add((claim, RDF.type, IO.Attribution))
        graph.add((claim, RDFS.label, Literal(f"Attribution of synthetic operation {index}", lang="en")))
        graph.add((claim, IO.aboutOperation, op))
        graph.add((claim, IO.claimant, ACTOR.meta if "facebook" in platforms else ACTOR["twitter-inc"]))
        graph.add((claim, IO.attributedTo, sponsor))
        graph.add((claim, IO.wording, Literal("linked to", lang=language)))
        graph.add((claim, IO.strength, r.choice([IO.direct, IO.inferred])))
        graph.add((claim, IO.reportedIn, doc))
        # The wording is quoted from the evidence, as the evidence rules require.
        graph.add((claim, IO.evidence, Literal(f"quote {index}: linked to", lang=language)))

        response = RESPONSE[f"synthetic-{index:07d}-takedown"]
        graph.add((response, RDF.type, IO.Takedown))
        graph.add((response, RDFS.label, Literal(f"Takedown of synthetic operation {index}", lang="en")))
        graph.add((response, IO.respondent, ACTOR.meta if "facebook" in platforms else ACTOR["twitter-inc"]))
        graph.add((response, IO.onPlatform, PLATFORM[platforms[0]]))
        graph.add((response, IO.respondsTo, op))
        graph.add((response, IO.date, Literal(f"{year}-{r.randint(1, 12):02d}", datatype=XSD.gYearMonth)))
        graph.add((response, IO.status, IO.carriedOut))
        graph.add((response, IO.reportedIn, doc))
        graph.add((response, IO.evidence, quote))

        total = FIGURE[f"synthetic-{index:07d}-total"]
        value = r.randint(100, 200_000)
        self.figure(graph, total, op, response, doc, quote, platforms[0], IO.accounts, value, IO.total, None)
        core = FIGURE[f"synthetic-{index:07d}-core"]
        self.figure(graph, core, op, response, doc, quote, platforms[0], IO.accounts, value // 5, IO.core, total)
        amplifiers = FIGURE[f"synthetic-{index:07d}-amplifiers"]
        self.figure(graph, amplifiers, op, response, doc, quote, platforms[0], IO.accounts, value - value // 5, IO.amplifier, total)
        for k, measure in enumerate(r.sample(MEASURES[1:], 2)):
            node = FIGURE[f"synthetic-{index:07d}-{k}"]
            self.figure(graph, node, op, response, doc, quote, platforms[0], IO[measure], r.randint(1, 5000), IO.total, None)
        return [op, claim, response, total, core, amplifiers]

    def figure(self, graph, node, op, response, doc, quote, platform, measure, value, role, total):
        graph.add((node, RDF.type, IO.ReportedFigure))
        graph.add((node, RDFS.label, Literal(f"Synthetic figure {node[-20:]}", lang="en")))
        graph.add((node, IO.value, Literal(value, datatype=XSD.integer)))
        graph.add((node, IO.measures, measure))
        graph.add((node, IO.role, role))
        graph.add((node, IO.qualifier, IO[self.random.choice(QUALIFIERS)] if role != IO.total else IO.exact))
        graph.add((node, IO.onPlatform, PLATFORM[platform]))
        graph.add((node, IO.aboutOperation, op))
        graph.add((node, IO.outcomeOf, response))
        graph.add((node, IO.reportedIn, doc))
        # The number appears in its evidence, as the evidence rules require.
        graph.add((node, IO.evidence, Literal(f"{quote} {value}", lang=quote.language)))
        if total is not None:
            graph.add((node, IO.partOf, total))

    def generate(self, *, triples: int) -> Dataset:
        """A dataset of about ``triples`` synthetic triples (plus nothing else)."""
        dataset = Dataset()
        operations = max(1, triples // TRIPLES_PER_OPERATION)
        graph = doc = language = None
        for index in range(operations):
            if index % self.per_document == 0:
                doc, graph, language = self.document(dataset, index // self.per_document)
            self.operation(graph, doc, language, index, 2016 + (index // self.per_document) % 8)
        return dataset


def generate(*, triples: int, seed: int = 1) -> Dataset:
    """A deterministic synthetic dataset of about ``triples`` triples."""
    return Generator(seed=seed).generate(triples=triples)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, required=True, help="N-Quads file to write")
    args = parser.parse_args(argv)
    dataset = generate(triples=args.triples, seed=args.seed)
    args.output.write_bytes(dataset.serialize(format="nquads", encoding="utf-8"))
    print(f"{sum(1 for _ in dataset.quads())} quads written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
