"""The timeline picture: every policy response on a time axis, by the rows of the named
query ``timeline``, with partial and missing dates shown for what they are.

A date known to the day is a dot; a date known only to the month or the year is a bar over
that whole month or year (the year's bar dashed), never a dot on the first of the month;
responses no document dates are listed in a lane of their own under the axis.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from kg.pictures.data import select
from kg.pictures.svg import colours, document, element, text_width

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

MARGIN = 20.0
DATE_COLUMN = 90.0
CHART = 480.0
ROW = 22.0
TOP = 70.0


@dataclass(frozen=True)
class Span:
    """What a date says: the first day it may mean, the day after the last, its precision."""

    start: datetime.date
    end: datetime.date
    precision: str  # "day", "month" or "year"


def date_span(text: str) -> Span | None:
    """The span of an ISO date, year-month or year (``2019-08-21``, ``2019-08``, ``2019``);
    None when ``text`` is none of these."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            start = datetime.date(year, month, day)
            return Span(start, start + datetime.timedelta(days=1), "day")
        if month is not None:
            start = datetime.date(year, month, 1)
            end = datetime.date(year + (month == 12), month % 12 + 1, 1)
            return Span(start, end, "month")
        return Span(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1), "year")
    except ValueError:
        return None


def _timeline_rows(store) -> list[dict]:
    from kg.queries import get_query

    return select(store, get_query("timeline").text)


def timeline_svg(store) -> str:
    """The SVG timeline of the policy responses in ``store`` (an rdflib Dataset or a
    kg.store Store): date, kind, respondents and platforms, and the operations responded
    to; undated responses in a lane of their own. Deterministic."""
    rows = _timeline_rows(store)
    dated, undated = [], []
    for row in rows:
        span = date_span(str(row["date"])) if "date" in row else None
        (dated if span else undated).append((row, span))
    kinds = colours([str(row.get("kindLabel", "response")) for row, _ in dated + undated] or ["response"])
    starts = [span.start for _, span in dated]
    ends = [span.end for _, span in dated]
    first = datetime.date(min(starts).year, 1, 1) if starts else datetime.date(2000, 1, 1)
    last = datetime.date(max(ends).year + (max(ends).month > 1 or max(ends).day > 1), 1, 1) if ends else first.replace(year=first.year + 1)
    days = max((last - first).days, 1)
    x0 = MARGIN + DATE_COLUMN

    def x(day: datetime.date) -> float:
        return x0 + CHART * (day - first).days / days

    body: list[str] = [element("text", "Policy responses over time", x=MARGIN, y=22.0, class_="title")]
    body.append(element("text", "● known to the day   ▬ known to the month   ┅ known only to the year",
                        x=MARGIN, y=40.0, class_="small"))
    axis_y = TOP - 8
    body.append(element("line", x1=x0, y1=axis_y, x2=x0 + CHART, y2=axis_y, class_="axis"))
    lane_bottom = TOP + max(len(dated), 1) * ROW
    for year in range(first.year, last.year + 1):
        xx = x(datetime.date(year, 1, 1))
        body.append(element("line", x1=xx, y1=axis_y, x2=xx, y2=lane_bottom, class_="grid"))
        body.append(element("text", str(year), x=xx, y=axis_y - 4, class_="small", text_anchor="middle"))
    widest = 0.0
    for index, (row, span) in enumerate(dated):
        y = TOP + index * ROW
        text = _describe(row)
        widest = max(widest, text_width(text))
        colour = kinds[str(row.get("kindLabel", "response"))]
        if span.precision == "day":
            mark = element("circle", cx=x(span.start), cy=y + 8, r=5.0, fill=colour)
        else:
            width = max(x(span.end) - x(span.start), 3.0)
            dash = "4 2" if span.precision == "year" else None
            mark = element("rect", x=x(span.start), y=y + 3, width=width, height=10.0, fill=colour,
                           fill_opacity="0.35" if span.precision == "year" else "0.7", stroke=colour,
                           stroke_dasharray=dash)
        body.append(_row(row, y, str(row["date"]), span.precision, mark, text, x0 + CHART + 12))
    y = lane_bottom + 16
    body.append(element("text", f"Undated: {len(undated)} response(s) no source document dates",
                        x=MARGIN, y=y + 12, class_="small"))
    y += 20
    for row, _ in undated:
        text = _describe(row)
        widest = max(widest, text_width(text))
        raw = str(row["date"]) if "date" in row else "undated"
        mark = element("text", "?", x=x0 + 4, y=y + 12, class_="small")
        body.append(_row(row, y, raw, "none", mark, text, x0 + 24))
        y += ROW
    height = y + MARGIN
    width = x0 + CHART + 12 + widest + MARGIN
    return document(width, height, body, title="iokg: policy responses over time",
                    description="Each row is a policy response (a takedown, a ban, an accusation…) "
                                "placed at its date, as precisely as the sources date it. Made by iokg from its graph.")


def _items(row: dict, name: str) -> list[str]:
    """The items of a " | "-joined list column, sorted (SPARQL leaves their order open)."""
    return sorted({item for item in str(row.get(name, "")).split(" | ") if item})


def _describe(row: dict) -> str:
    parts = [str(row.get("kindLabel", "response")) + ": " + str(row.get("responseLabel", row["response"]))]
    who = _items(row, "respondents") + [p for p in _items(row, "platforms") if p not in _items(row, "respondents")]
    if who:
        parts.append("by/on " + ", ".join(who))
    if _items(row, "operations"):
        parts.append("against " + "; ".join(_items(row, "operations")))
    return " — ".join(parts)


def _row(row: dict, y: float, date: str, precision: str, mark: str, text: str, text_x: float) -> str:
    from xml.sax.saxutils import quoteattr

    return (f'<g class="response" data-iri={quoteattr(str(row["response"]))} data-precision="{precision}">'
            + element("title", f"{date}: {text} <{row['response']}>")
            + element("text", date, x=MARGIN, y=y + 12)
            + mark
            + element("text", text, x=text_x, y=y + 12)
            + "</g>")
