"""Run the HermiT OWL 2 DL reasoner (through owlready2, on Java) over the ontology."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.errors import IokgError


@dataclass(frozen=True)
class ReasonerResult:
    """What HermiT found: whether the ontology is consistent and which classes are empty."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def java_available() -> bool:
    """Whether a ``java`` executable is on the PATH (HermiT needs one)."""
    return shutil.which("java") is not None


def reason(ontology: Graph) -> ReasonerResult:
    """Classify ``ontology`` with HermiT; report inconsistency and unsatisfiable classes.

    Raises :class:`IokgError` when Java is missing.
    """
    if not java_available():
        raise IokgError("HermiT needs Java (OpenJDK 17): no 'java' on the PATH")
    import owlready2

    with tempfile.TemporaryDirectory(prefix="iokg-hermit-") as tmp:
        path = Path(tmp) / "ontology.owl"
        ontology.serialize(path, format="xml")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as error:
            return ReasonerResult(consistent=False, detail=str(error))
        empty = sorted(c.iri for c in world.inconsistent_classes())
        world.close()
    return ReasonerResult(consistent=True, unsatisfiable=empty)
