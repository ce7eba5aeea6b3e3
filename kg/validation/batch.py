"""A batch of new assertions read from files, and where in those files a node is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef

from kg.errors import InputError


@dataclass
class Batch:
    """New assertions read from one or more files, with the files' text for locating nodes."""

    dataset: Dataset
    texts: dict[str, str]
    prefixes: dict[str, str]

    @property
    def graph(self) -> Graph:
        from kg.dataset import union

        return union(self.dataset)


def read_batch(files: Sequence[Path | str], *, format=None) -> Batch:
    """Read input files (any supported RDF format) into one :class:`Batch`."""
    from kg.parsing import read_input

    if not files:
        raise InputError("no input files given")
    dataset = Dataset()
    texts: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for file in files:
        part, text = read_input(Path(file), format=format)
        texts[str(file)] = text
        for prefix, namespace in part.namespaces():
            prefixes.setdefault(prefix, str(namespace))
        for s, p, o, g in part.quads((None, None, None, None)):
            name = getattr(g, "identifier", g)
            dataset.graph(name).add((s, p, o))
    return Batch(dataset=dataset, texts=texts, prefixes=prefixes)


def as_batch(graph: Graph | Dataset) -> Batch:
    """A graph or dataset given in memory as a :class:`Batch` (no text to locate nodes in)."""
    if isinstance(graph, Dataset):
        return Batch(dataset=graph, texts={}, prefixes={})
    dataset = Dataset()
    for prefix, namespace in graph.namespaces():
        dataset.bind(prefix, namespace, override=True)
    for triple in graph:
        dataset.add(triple)
    return Batch(dataset=dataset, texts={}, prefixes={})


def locate(batch: Batch, term) -> str:
    """``file:line`` of the first line of the input that mentions ``term`` (full IRI or any
    prefixed form the input declares), or ``""``."""
    if term is None or isinstance(term, BNode):
        return ""
    needles = []
    if isinstance(term, URIRef):
        text = str(term)
        needles.append(f"<{text}>")
        for prefix, namespace in batch.prefixes.items():
            if text.startswith(namespace) and len(text) > len(namespace):
                needles.append(f"{prefix}:{text[len(namespace):]}")
        needles.append(f'"{text}"')
    else:
        needles.append(str(term))
    for name, content in batch.texts.items():
        for number, line in enumerate(content.splitlines(), start=1):
            if line.lstrip().startswith("#"):  # a Turtle comment that mentions the node
                continue
            for needle in needles:
                index = line.find(needle)
                if index < 0:
                    continue
                end = index + len(needle)
                if needle.endswith(">") or needle.endswith('"') or end == len(line) or not (line[end].isalnum() or line[end] in "_-:/"):
                    return f"{name}:{number}"
    return ""
