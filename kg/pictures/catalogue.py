"""The pictures ``iokg plot`` draws, by name."""

from __future__ import annotations

from enum import Enum

from rdflib import URIRef

from kg.errors import UsageError, member
from kg.pictures.network import network_svg
from kg.pictures.timeline import timeline_svg


class Picture(str, Enum):
    """The pictures of the graph: ``timeline`` of policy responses, ``network`` of operations."""

    TIMELINE = "timeline"
    NETWORK = "network"


def draw(picture: Picture | str, store, *, operation: URIRef | str | None = None) -> str:
    """The SVG text of ``picture`` drawn from ``store`` (``operation`` narrows the network).
    Raises :class:`UsageError` for an unknown picture, or an operation given to the timeline."""
    picture = member(Picture, picture, what="picture")
    if picture is Picture.TIMELINE:
        if operation is not None:
            raise UsageError("--operation narrows the network picture, not the timeline")
        return timeline_svg(store)
    return network_svg(store, operation=operation)
