"""A deterministic node-link picture: nodes in columns (layers), edges as curves.

Used by the network of operations (sponsors | operations | platforms and narratives) and
by the class diagram of the documentation (classes by depth in the hierarchy). Within a
column, nodes are ordered to shorten edges (a few rounds of the barycentre heuristic of
Sugiyama et al., ties broken by group, label and id), so the same graph always gives the
same picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from kg.pictures.svg import colours, document, element, number, text_width

NODE_HEIGHT = 24.0
ROW_GAP = 12.0
COLUMN_GAP = 120.0
MARGIN = 20.0
HEADER = 44.0


@dataclass(frozen=True)
class Node:
    """A box of the picture: its id (an IRI), label, column and group (colour, legend)."""

    id: str
    label: str
    layer: int
    group: str
    title: str = ""


@dataclass(frozen=True)
class Edge:
    """A link from one node to another, with an optional label and style (``sub``: dashed)."""

    source: str
    target: str
    label: str = ""
    style: str = ""


@dataclass
class Placed:
    """Where the layout put each node (top-left corner, width) and the picture's size."""

    x: dict[str, float] = field(default_factory=dict)
    y: dict[str, float] = field(default_factory=dict)
    width: dict[str, float] = field(default_factory=dict)
    size: tuple[float, float] = (0.0, 0.0)


def _order(nodes: list[Node], edges: list[Edge], rounds: int = 4) -> dict[int, list[Node]]:
    layers: dict[int, list[Node]] = {}
    for node in sorted(nodes, key=lambda n: (n.layer, n.group, n.label.casefold(), n.id)):
        layers.setdefault(node.layer, []).append(node)
    neighbours: dict[str, set[str]] = {n.id: set() for n in nodes}
    for edge in edges:
        if edge.source in neighbours and edge.target in neighbours:
            neighbours[edge.source].add(edge.target)
            neighbours[edge.target].add(edge.source)
    for _ in range(rounds):
        position = {n.id: i for layer in layers.values() for i, n in enumerate(layer)}
        for index in sorted(layers):
            def key(node: Node) -> tuple:
                near = sorted(position[m] for m in neighbours[node.id] if m in position)
                centre = sum(near) / len(near) if near else position[node.id]
                return (node.group, centre, node.label.casefold(), node.id)

            layers[index] = sorted(layers[index], key=key)
            position.update({n.id: i for i, n in enumerate(layers[index])})
    return layers


def layout(nodes: list[Node], edges: list[Edge]) -> Placed:
    """Place ``nodes`` in columns by layer, each column centred vertically."""
    layers = _order(nodes, edges)
    placed = Placed()
    x = MARGIN
    heights = {i: len(layer) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP for i, layer in layers.items()}
    tallest = max(heights.values(), default=0.0)
    for index in sorted(layers):
        width = max((text_width(n.label) + 16 for n in layers[index]), default=0.0)
        top = HEADER + (tallest - heights[index]) / 2
        for row, node in enumerate(layers[index]):
            placed.x[node.id] = x
            placed.y[node.id] = top + row * (NODE_HEIGHT + ROW_GAP)
            placed.width[node.id] = width
        x += width + COLUMN_GAP
    legend = 22.0
    placed.size = (max(x - COLUMN_GAP + MARGIN, 320.0), HEADER + tallest + MARGIN + legend)
    return placed


def _curve(placed: Placed, edge: Edge) -> tuple[str, float, float]:
    sx, sy = placed.x[edge.source], placed.y[edge.source] + NODE_HEIGHT / 2
    tx, ty = placed.x[edge.target], placed.y[edge.target] + NODE_HEIGHT / 2
    if sx < tx:  # left to right
        x1, x2 = sx + placed.width[edge.source], tx
    elif sx > tx:  # right to left
        x1, x2 = sx, tx + placed.width[edge.target]
    else:  # same column: a loop out to the right
        x1 = x2 = sx + placed.width[edge.source]
        bulge = 40 + abs(ty - sy) / 4
        path = f"M{number(x1)},{number(sy)} C{number(x1 + bulge)},{number(sy)} {number(x2 + bulge)},{number(ty)} {number(x2)},{number(ty)}"
        return path, x1 + bulge * 0.75, (sy + ty) / 2
    middle = (x1 + x2) / 2
    path = f"M{number(x1)},{number(sy)} C{number(middle)},{number(sy)} {number(middle)},{number(ty)} {number(x2)},{number(ty)}"
    # The label sits a third of the way along the curve, near its source, where the curves
    # that meet at a busy target are still apart.
    t = 1 / 3
    lx = (1 - t) ** 3 * x1 + 3 * (1 - t) ** 2 * t * middle + 3 * (1 - t) * t ** 2 * middle + t ** 3 * x2
    ly = (1 - t) ** 3 * sy + 3 * (1 - t) ** 2 * t * sy + 3 * (1 - t) * t ** 2 * ty + t ** 3 * ty
    return path, lx, ly


def render(nodes: list[Node], edges: list[Edge], *, title: str, description: str = "",
           columns: dict[int, str] | None = None) -> str:
    """The SVG of ``nodes`` and ``edges``: a heading per column (``columns``), a box per
    node (class ``node``, ``data-iri`` its id, a tooltip), a curve per edge (``data-source``
    and ``data-target``), and a legend of the groups."""
    nodes = list({n.id: n for n in nodes}.values())
    known = {n.id for n in nodes}
    edges = sorted({e for e in edges if e.source in known and e.target in known},
                   key=lambda e: (e.source, e.target, e.label, e.style))
    placed = layout(nodes, edges)
    fill = colours([n.group for n in nodes])
    body = [element("text", title, x=MARGIN, y=20.0, class_="title")]
    for index, heading in sorted((columns or {}).items()):
        xs = [placed.x[n.id] for n in nodes if n.layer == index]
        if xs:
            body.append(element("text", heading, x=min(xs), y=38.0, class_="small"))
    body.append('<g class="edges">')
    labels = []
    for edge in edges:
        path, lx, ly = _curve(placed, edge)
        css = "edge sub" if edge.style == "sub" else "edge"
        body.append(f'<g data-source={_q(edge.source)} data-target={_q(edge.target)}>'
                    + element("path", d=path, class_=css) + "</g>")
        if edge.label:
            labels.append(element("text", edge.label, x=lx, y=ly - 3, class_="small halo", text_anchor="middle"))
    body.append("</g>")
    body.append('<g class="nodes">')
    for node in sorted(nodes, key=lambda n: (n.layer, placed.y[n.id], n.id)):
        x, y, w = placed.x[node.id], placed.y[node.id], placed.width[node.id]
        body.append(
            f'<g class="node" data-iri={_q(node.id)} data-group={_q(node.group)}>'
            + element("title", node.title or f"{node.label} <{node.id}>")
            + element("rect", x=x, y=y, width=w, height=NODE_HEIGHT, fill=_tint(fill[node.group]), stroke=fill[node.group])
            + element("text", node.label, x=x + 8, y=y + 16.0)
            + "</g>"
        )
    body.append("</g>")
    # Edge labels last, over the boxes and curves, each on a white halo.
    body.append('<g class="labels">' + "".join(labels) + "</g>")
    width, height = placed.size
    x = MARGIN
    for group, colour in fill.items():
        body.append(element("rect", x=x, y=height - 18, width=12.0, height=12.0, fill=_tint(colour), stroke=colour))
        body.append(element("text", group, x=x + 16, y=height - 8, class_="small"))
        x += text_width(group, size=10) + 36
    return document(max(width, x + MARGIN), height, body, title=title, description=description)


def _q(value: str) -> str:
    return quoteattr(value)


def _tint(colour: str) -> str:
    """A light version of ``#rrggbb`` for box fills, so the black text stays readable."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c + (255 - c) * 0.75) for c in (r, g, b)))
