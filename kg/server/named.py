"""Named queries over HTTP, as grlc serves them: the list, and an OpenAPI 3 description made
from the ``.rq`` headers (summary, description, tags) and parameters (``?_name_type``), with
one operation per query at ``/queries/{name}``."""

from __future__ import annotations

from rdflib import Graph

from kg.namespaces import IO
from kg.queries import NamedQuery, Parameter, named_queries
from kg.server.formats import GRAPH_FORMATS, RESULT_FORMATS

#: Where an example value of a parameter comes from, by the parameter's name: the first
#: (sorted) object of this property in the graph, so examples follow the data.
EXAMPLE_SOURCES = {"operation": IO.aboutOperation, "narrative": IO.pushesNarrative, "target": IO.targets,
                   "sponsor": IO.sponsoredBy, "platform": IO.onPlatform, "language": IO.language,
                   "subject": IO.statementSubject, "property": IO.statementProperty,
                   "dimension": IO.dimension, "rating": IO.rating}
#: Example values of parameter types that need no graph.
_TYPE_EXAMPLES = {"integer": "3", "decimal": "1000", "boolean": "true", "date": "2020-01-01"}


def example_values(query: NamedQuery, graph: Graph) -> dict[str, str]:
    """A value for every parameter of ``query`` that the graph (or the type) gives one for."""
    values = {}
    for parameter in query.parameters:
        if parameter.type in _TYPE_EXAMPLES:
            values[parameter.name] = _TYPE_EXAMPLES[parameter.type]
        elif parameter.name in EXAMPLE_SOURCES:
            objects = sorted(graph.objects(None, EXAMPLE_SOURCES[parameter.name]), key=str)
            if objects:
                values[parameter.name] = str(objects[0])
    return values

#: JSON Schema of a parameter's value, by the grlc type suffix.
_SCHEMAS = {
    "iri": {"type": "string", "format": "iri"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "boolean": {"type": "boolean"},
    "string": {"type": "string"},
    "literal": {"type": "string"},
}


def parameter_info(parameter: Parameter) -> dict:
    """A parameter as the listing shows it."""
    return {"name": parameter.name, "type": parameter.type, "required": parameter.required,
            "variable": "?" + parameter.variable}


def listing(*, own_base: str) -> list[dict]:
    """Every named query: name, summary, description, tags, parameters, its text and URL."""
    return [
        {
            "name": q.name,
            "summary": q.summary,
            "description": q.description,
            "tags": list(q.tags),
            "parameters": [parameter_info(p) for p in q.parameters],
            "url": f"{own_base}queries/{q.name}",
            "query": q.text,
        }
        for q in named_queries().values()
    ]


def _operation(query: NamedQuery, examples: dict[str, str]) -> dict:
    parameters = [
        {
            **({"example": examples[p.name]} if p.name in examples else {}),
            "name": p.name,
            "in": "query",
            "required": p.required,
            "description": f"{p.type} ({'required' if p.required else 'optional'}; SPARQL variable ?{p.variable})"
                           + ("; a full IRI or a prefixed name such as op:spamouflage" if p.type == "iri" else ""),
            "schema": _SCHEMAS.get(p.type, {"type": "string"}),
        }
        for p in query.parameters
    ]
    parameters.append({"name": "format", "in": "query", "required": False,
                       "description": "a result format instead of the Accept header",
                       "schema": {"type": "string", "enum": [c.name for c in RESULT_FORMATS]}})
    content = {c.media_type: {"schema": {"type": "string" if c.name != "json" else "object"}} for c in RESULT_FORMATS}
    return {
        "get": {
            "operationId": query.name.replace("-", "_"),
            "summary": query.summary,
            "description": query.description,
            "tags": list(query.tags),
            "parameters": parameters,
            "responses": {
                "200": {"description": "the rows, in the negotiated SPARQL 1.1 result format", "content": content},
                "400": {"description": "a missing or ill-typed parameter"},
                "406": {"description": "no acceptable result format"},
                "503": {"description": "the query ran past the timeout, or too many queries wait"},
            },
        }
    }


def openapi(*, own_base: str, version: str, graph: Graph | None = None) -> dict:
    """The OpenAPI 3.0 description of the named queries (with example values from ``graph``)."""
    queries = named_queries()
    tags = sorted({tag for q in queries.values() for tag in q.tags})
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "iokg named queries",
            "version": version,
            "description": "The named SPARQL queries of iokg, the knowledge graph of online influence operations, "
                           "one operation per .rq file (grlc style). Ad-hoc SPARQL: the SPARQL 1.1 endpoint at /sparql.",
            "license": {"name": "CC BY 4.0 (data); MIT (code)"},
        },
        "servers": [{"url": own_base.rstrip("/")}],
        "tags": [{"name": tag} for tag in tags],
        "paths": {f"/queries/{name}": _operation(q, example_values(q, graph) if graph is not None else {})
                  for name, q in queries.items()},
    }


#: The formats of a named query's answer (all named queries are SELECT or ASK today; a
#: CONSTRUCT query would answer in the graph formats).
NAMED_FORMATS = RESULT_FORMATS + GRAPH_FORMATS
