"""The pictures ``iokg plot`` draws, by name."""

from __future__ import annotations

from enum import Enum

from rdflib import URIRef

from kg.errors import UsageError
from kg.pictures.network import network_svg
from kg.pictures.timeline import timeline_svg


class Picture(str, Enum):
    """The pictures of the graph: ``timeline`` of policy responses, ``network`` of operations."""

    TIMELINE = "timeline"
    NETWORK = "network"


def draw(picture: Picture | str, store, *, operation: URIRef | str | None = None) -> str:
    """The SVG text of ``picture`` drawn from ``store`` (``operation`` narrows the network).
    Raises :class:`UsageError` for an unknown picture, or an operation given to the timeline."""
    try:
        picture = Picture(picture)
    except ValueError:
        known = ", ".join(p.value for p in Picture)
        raise UsageError(f"unknown picture {picture!r}; known pictures: {known}") from None
    if picture is Picture.TIMELINE:
        if operation is not None:
            raise UsageError("--operation narrows the network picture, not the timeline")
        return timeline_svg(store)
    return network_svg(store, operation=operation)
