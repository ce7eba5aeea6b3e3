"""Pictures of the graph as SVG, made in Python from the graph (no script, no CDN,
deterministic, every text escaped): the timeline of policy responses, the network of
operations, sponsors, platforms and narratives, and the class diagram of the ontology.

``store`` is an rdflib ``Dataset`` (``kg.load()``) or a store with ``query(text) -> Rows``.
"""

from kg.pictures.catalogue import Picture, draw
from kg.pictures.classes import class_diagram_svg
from kg.pictures.network import network_svg
from kg.pictures.svg import inline
from kg.pictures.timeline import timeline_svg

__all__ = ["Picture", "class_diagram_svg", "draw", "inline", "network_svg", "timeline_svg"]
