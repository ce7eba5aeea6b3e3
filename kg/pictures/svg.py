"""Small, deterministic SVG writing: escaped text, fixed number formats, a palette.

Every picture of :mod:`kg.pictures` is built from these, so that the same graph gives
the same bytes (no time, no random id) and no text of the graph can break the markup.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

#: Colours for kinds of things (colour-blind safe, Okabe and Ito), assigned in sorted order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")

#: Average width of a character of the pictures' 12 px sans-serif font, for layout.
CHAR_WIDTH = 6.6

STYLE = (
    "text{font-family:sans-serif;font-size:12px;fill:#222}"
    ".small{font-size:10px;fill:#555}.halo{paint-order:stroke;stroke:#fff;stroke-width:3px}.title{font-size:15px;font-weight:bold}"
    ".edge{fill:none;stroke:#888;stroke-width:1.2}.edge.sub{stroke-dasharray:5 3}"
    ".axis{stroke:#444;stroke-width:1}.grid{stroke:#ddd;stroke-width:1}"
    ".node rect{stroke:#333;stroke-width:1;rx:4}"
)


def number(value: float) -> str:
    """``value`` with at most one decimal, no trailing zero: stable text for coordinates."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, *, size: float = 12) -> float:
    """An estimate of the width of ``text`` at ``size`` px (no font metrics are needed)."""
    return len(text) * CHAR_WIDTH * size / 12


def element(name: str, text: str | None = None, /, **attributes: object) -> str:
    """One SVG element: attributes escaped (``class_`` for ``class``, ``data_iri`` for
    ``data-iri``), numbers formatted by :func:`number`, ``text`` escaped."""
    parts = [name]
    for key, value in attributes.items():
        if value is None:
            continue
        key = key.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = number(value)
        parts.append(f"{key}={quoteattr(str(value))}")
    opening = "<" + " ".join(parts)
    if text is None:
        return opening + "/>"
    return f"{opening}>{escape(text)}</{name}>"


def document(width: float, height: float, body: list[str], *, title: str, description: str = "") -> str:
    """A standalone SVG document of ``width`` × ``height`` holding ``body`` (elements)."""
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{number(width)}" height="{number(height)}" '
        f'viewBox="0 0 {number(width)} {number(height)}" role="img">',
        element("title", title),
    ]
    if description:
        head.append(element("desc", description))
    head.append(f"<style>{STYLE}</style>")
    return "\n".join(head + body + ["</svg>"]) + "\n"


def colours(kinds: list[str]) -> dict[str, str]:
    """A colour per kind, in sorted order of the kinds (stable from run to run)."""
    return {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(sorted(set(kinds)))}


def inline(svg: str) -> str:
    """``svg`` (a document from this module) without its XML declaration, to be placed
    inside an HTML page."""
    return svg.split("\n", 1)[1] if svg.startswith("<?xml") else svg
