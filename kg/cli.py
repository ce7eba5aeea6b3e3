"""The ``iokg`` command: a thin layer over the ``kg`` library.

Exit codes: 0 ok, 1 violations (the graph or the input does not conform), 2 usage or
input error (bad arguments, unreadable or unparseable files). No command prints a
traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from kg.errors import ExitCode, InputError, Interrupted, IokgError, UsageError
from kg.queries import Engine
from kg.results import ResultFormat

EXIT_CODES = """exit codes:
  0  ok
  1  violations: the graph or the input does not conform
  2  usage or input error: bad arguments, a file that cannot be read or parsed"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iokg",
        description="iokg: the knowledge graph of online influence operations.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors (anywhere on the line)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data", type=Path, metavar="DIR", help="data folder to use instead of the packaged kg/data")

    sub = commands.add_parser(
        "check",
        parents=[data],
        help="load and check everything: ontology quality, HermiT, terms, SHACL conformance",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    reasoner = sub.add_mutually_exclusive_group()
    reasoner.add_argument("--reasoner", dest="reasoner", action="store_true", default=None, help="require HermiT (exit 2 without Java)")
    reasoner.add_argument("--no-reasoner", dest="reasoner", action="store_false", help="skip HermiT")
    sub.add_argument("--verbose", "-v", action="store_true", help="also show SHACL info results")
    sub.set_defaults(run=_check)

    sub = commands.add_parser("stats", parents=[data], help="counts per class, per named graph and per source language")
    sub.add_argument("--format", choices=["text", "json"], default="text")
    sub.set_defaults(run=_stats)

    formats = argparse.ArgumentParser(add_help=False)
    formats.add_argument("--format", choices=[f.value for f in ResultFormat], default="table",
                         help="table (readable, with labels; default) or a SPARQL 1.1 result format")
    formats.add_argument("--engine", choices=[e.value for e in Engine], default="rdflib",
                         help="SPARQL engine: rdflib (default) or oxigraph")

    sub = commands.add_parser("queries", help="list the named queries with their summaries and parameters")
    sub.set_defaults(run=_queries)

    sub = commands.add_parser(
        "query", parents=[data, formats], help="run a named query",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("name", help="the query's name (see 'iokg queries')")
    sub.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                     help="a parameter value; IRIs as full IRIs or prefixed names (op:spamouflage)")
    sub.set_defaults(run=_query)

    sub = commands.add_parser(
        "sparql", parents=[data, formats], help="run ad-hoc SPARQL over the graph",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = sub.add_mutually_exclusive_group(required=True)
    source.add_argument("text", nargs="?", help="the SPARQL query")
    source.add_argument("-f", "--file", type=Path, help="read the query from this file")
    sub.set_defaults(run=_sparql)

    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="RDF files: Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML (by extension)")
    inputs.add_argument("--input-format", metavar="FORMAT",
                        help="the input's RDF format when the extension does not tell (ttl, nt, nq, trig, jsonld, rdf)")
    inputs.add_argument("--strict", action="store_true", help="warnings and infos fail too")

    sub = commands.add_parser(
        "validate", parents=[data, inputs],
        help="validate new assertions against the shapes and the existing graph",
        epilog=EXIT_CODES.replace("the graph or the input does not conform", "the new assertions do not conform"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--format", choices=["text", "turtle", "json"], default="text",
                     help="report format: text (default), turtle (a SHACL validation report) or json")
    sub.add_argument("--full", action="store_true", help="validate the whole graph instead of the affected nodes only")
    sub.set_defaults(run=_validate)

    change = argparse.ArgumentParser(add_help=False)
    change.add_argument("--at", metavar="TIME",
                        help="the time to record the change at (ISO 8601, 2026-01-31T12:00:00Z); default: "
                             "SOURCE_DATE_EPOCH if set, else now")

    sub = commands.add_parser(
        "add", parents=[data, inputs, change],
        help="validate new assertions and, only if they conform, add them to the graphs they belong in",
        description="Validate new assertions and, only if they conform, add each statement to the graph it "
                    "belongs in: a record to the graph of the document it is io:reportedIn, a document to its "
                    "own graph, new states, organisations, platforms, narratives and audiences to graph:reference. "
                    "Files are written atomically under the data folder's lock.",
        epilog=EXIT_CODES.replace("the graph or the input does not conform", "the new assertions do not conform; nothing was added"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--as", dest="name", metavar="NAME",
                     help="the graph for statements the data does not place (doc:000 or 000, reference, curation)")
    sub.add_argument("--replace", action="store_true",
                     help="replace the records the file redefines (same IRIs): their old statements go, recorded in graph:curation")
    sub.add_argument("--reason", metavar="TEXT", help="why (recorded with --replace)")
    sub.set_defaults(run=_add)

    sub = commands.add_parser(
        "remove", parents=[data, change],
        help="remove records from the graph, recorded with the reason in graph:curation",
        description="Remove every statement of each NODE (and the blank nodes it owns) from the graph NAME, or "
                    "from every data graph that describes it. Refused if a reference would be left pointing at "
                    "nothing; validated like add; written atomically under the data folder's lock.",
        epilog=EXIT_CODES.replace("the graph or the input does not conform", "the graph would not conform; nothing was removed"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("nodes", nargs="+", metavar="NODE", help="an IRI or prefixed name (fig:000-ad-spend)")
    sub.add_argument("--graph", metavar="NAME", help="remove only from this graph (doc:000 or 000, reference, curation)")
    sub.add_argument("--reason", metavar="TEXT", required=True, help="why the records are removed (recorded)")
    sub.add_argument("--strict", action="store_true", help="warnings and infos fail too")
    sub.set_defaults(run=_remove)

    sub = commands.add_parser(
        "overview",
        parents=[data],
        help="the main job: load the graph, validate it, print a summary and the operations with their sponsors",
    )
    sub.set_defaults(run=_overview)

    sub = commands.add_parser(
        "export", parents=[data],
        help="write the graph in an RDF format, deterministically, with its VoID/DCAT description",
        description="Write the data graphs (or the chosen ones) with the dataset's VoID/DCAT description. "
                    "N-Quads, TriG and JSON-LD keep the named graphs; Turtle, N-Triples and RDF/XML get their union.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--format", default="turtle", choices=_export_formats(), help="RDF format (default: turtle)")
    sub.add_argument("--graph", action="append", metavar="NAME",
                     help="export only this graph (repeatable): doc:000, 000, graph:reference, reference, ontology, shapes or a full IRI")
    sub.add_argument("--with-ontology", action="store_true", help="include the ontology (graph <https://w3id.org/iokg/ontology>)")
    sub.add_argument("--with-shapes", action="store_true", help="include the SHACL shapes (graph <https://w3id.org/iokg/shapes>)")
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (atomically) instead of standard output")
    sub.set_defaults(run=_export)

    sub = commands.add_parser("docs", help="write HTML documentation of the ontology and the shapes")
    sub.add_argument("-o", "--output", type=Path, metavar="DIR", required=True, help="folder to write the HTML pages to")
    sub.set_defaults(run=_docs)
    return parser


def _print_check(report, out=sys.stdout, *, verbose: bool = False) -> None:
    print(f"loaded {report.triples} triples in {report.graphs} graphs", file=out)
    print(f"ontology quality: {'ok' if not report.lint else f'{len(report.lint)} problem(s)'}", file=out)
    for problem in report.lint:
        print(f"  {problem}", file=out)
    print(f"declared terms: {'ok' if not report.terms else f'{len(report.terms)} problem(s)'}", file=out)
    for problem in report.terms:
        print(f"  {problem}", file=out)
    print(f"shapes (SHACL-for-SHACL): {'ok' if not report.shapes else f'{len(report.shapes)} problem(s)'}", file=out)
    for problem in report.shapes:
        print(f"  {problem}", file=out)
    if report.reasoner is None:
        print(f"HermiT: skipped: {report.reasoner_skipped}", file=out)
    elif report.reasoner.ok:
        print("HermiT: consistent, every class satisfiable", file=out)
    else:
        state = "consistent" if report.reasoner.consistent else "INCONSISTENT"
        print(f"HermiT: {state}; unsatisfiable: {', '.join(report.reasoner.unsatisfiable) or 'none'}", file=out)
    shacl = report.shacl
    others = len(shacl.results) - len(shacl.violations)
    print(f"SHACL: {'conforms' if shacl.conforms else 'does not conform'} ({len(shacl.violations)} violation(s), {others} warning(s)/info)", file=out)
    for result in shacl.results:
        if verbose or result.severity.value != "Info":
            print(f"  {result}", file=out)
    infos = sum(1 for r in shacl.results if r.severity.value == "Info")
    if infos and not verbose:
        print(f"  ({infos} info result(s) not shown; --verbose shows them)", file=out)
    print("check: ok" if report.ok else "check: FAILED", file=out)


def _check(args) -> int:
    from kg.checks import check

    report = check(data_dir=args.data, reasoner=args.reasoner)
    _print_check(report, verbose=args.verbose)
    return ExitCode.OK if report.ok else ExitCode.VIOLATIONS


def _print_stats(result) -> None:
    print(f"{result.triples} triples (all graphs)")
    print("\ntriples per named graph:")
    width = max(map(len, result.graphs))
    for name, count in result.graphs.items():
        print(f"  {name:<{width}}  {count:>6}")
    print("\ninstances per class (data graphs):")
    width = max(map(len, result.classes))
    for name, count in result.classes.items():
        print(f"  {name:<{width}}  {count:>6}")
    print("\nper source language:")
    for lang, counts in result.languages.items():
        print(f"  {lang}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def _stats(args) -> int:
    from dataclasses import asdict

    from kg.dataset import load
    from kg.counts import stats

    result = stats(load(data_dir=args.data))
    if args.format == "json":
        json.dump(asdict(result), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        _print_stats(result)
    return ExitCode.OK


def _queries(args) -> int:
    from kg.queries import named_queries

    queries = named_queries()
    width = max(map(len, queries), default=0)
    for name, named in queries.items():
        params = " ".join(p.usage for p in named.parameters)
        print(f"{name:<{width}}  {named.summary}" + (f"\n{'':<{width}}  parameters: {params}" if params else ""))
    return ExitCode.OK


def _params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise UsageError(f"--param expects KEY=VALUE, got {pair!r}")
        params[key.strip()] = value
    return params


def _print_rows(rows, args, dataset) -> None:
    from kg.dataset import union
    from kg.results import write_results

    labels = union(dataset) if args.format == "table" else None
    write_results(rows, ResultFormat(args.format), sys.stdout, labels=labels)


def _query(args) -> int:
    from kg.dataset import load
    from kg.queries import query

    dataset = load(data_dir=args.data)
    rows = query(args.name, dataset=dataset, engine=Engine(args.engine), **_params(args.param))
    _print_rows(rows, args, dataset)
    return ExitCode.OK


def _sparql(args) -> int:
    from kg.dataset import load
    from kg.queries import run

    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(getattr(error, "strerror", None) or str(error), path=args.file) from None
    else:
        text = args.text
    dataset = load(data_dir=args.data)
    rows = run(text, dataset=dataset, engine=Engine(args.engine))
    _print_rows(rows, args, dataset)
    return ExitCode.OK


def _failed(report, strict: bool) -> bool:
    return not report.conforms or (strict and bool(report.results))


def _validate(args) -> int:
    from kg.dataset import load
    from kg.validation import ReportFormat, format_report, validate

    existing = load(data_dir=args.data)
    report = validate(args.files, against=existing, format=args.input_format, incremental=not args.full)
    sys.stdout.write(format_report(report, ReportFormat(args.format)))
    return ExitCode.VIOLATIONS if _failed(report, args.strict) else ExitCode.OK


def _print_change(result, *, verb: str) -> int:
    from kg.validation import format_report

    for note in result.notes:
        print(f"iokg: {note}", file=sys.stderr)
    if not result.applied:
        sys.stdout.write(format_report(result.report))
        print(f"nothing {verb}: the change does not conform", file=sys.stderr)
        return ExitCode.VIOLATIONS
    if result.report.results:
        sys.stdout.write(format_report(result.report))
    return ExitCode.OK


def _add(args) -> int:
    from kg.curation import add

    result = add(args.files, name=args.name, format=args.input_format, data_dir=args.data, strict=args.strict,
                 replace=args.replace, reason=args.reason, at=args.at)
    code = _print_change(result, verb="added")
    if result.applied:
        replaced = f", replaced {result.removed}" if args.replace else ""
        where = ", ".join(str(p) for p in result.written) or "no file changed"
        print(f"added {result.triples} triple(s){replaced}: {where}")
    return code


def _remove(args) -> int:
    from kg.curation import remove

    result = remove(args.nodes, reason=args.reason, graph=args.graph, data_dir=args.data, strict=args.strict, at=args.at)
    code = _print_change(result, verb="removed")
    if result.applied:
        print(f"removed {result.removed} triple(s): {', '.join(str(p) for p in result.written)}")
    return code


def _overview(args) -> int:
    from kg.dataset import load, union
    from kg.counts import stats
    from kg.validation import validate_graph

    dataset = load(data_dir=args.data)
    result = stats(dataset)
    report = validate_graph(union(dataset))
    print(f"iokg: {result.triples} triples, {len(result.graphs)} named graphs, "
          f"{sum(c['documents'] for c in result.languages.values())} source documents "
          f"({', '.join(sorted(result.languages))})")
    print(f"SHACL: {'conforms' if report.conforms else 'does not conform'} "
          f"({len(report.violations)} violation(s))")
    for result_ in report.violations:
        print(f"  {result_}")
    from kg.dataset import union
    from kg.queries import query
    from kg.results import write_results

    print("\nInfluence operations, their sponsors and platforms (query 'operations'):")
    write_results(query("operations", dataset=dataset), ResultFormat.TABLE, sys.stdout, labels=union(dataset))
    return ExitCode.OK if report.conforms else ExitCode.VIOLATIONS


def _export_formats() -> list[str]:
    from kg.exports import ExportFormat

    return [f.value for f in ExportFormat]


def _export(args) -> int:
    from kg.exports import export, write_atomic
    from kg.dataset import load

    data = export(load(data_dir=args.data), format=args.format, graphs=args.graph,
                  with_ontology=args.with_ontology, with_shapes=args.with_shapes)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(args.output, data)
    return ExitCode.OK


def _docs(args) -> int:
    from kg.docs import build

    for path in build(args.output):
        print(path)
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``iokg`` command line; return its exit code."""
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # --debug is accepted anywhere on the line (iokg query timeline --debug), as errors suggest it.
    debug = "--debug" in argv[: argv.index("--") if "--" in argv else len(argv)]
    if debug:
        argv.remove("--debug")
    args = parser.parse_args(argv)
    args.debug = debug or args.debug
    try:
        return int(args.run(args))
    except IokgError as error:
        print(f"iokg: error: {error}", file=sys.stderr)
        return int(error.exit_code)
    except Interrupted as error:
        print(f"iokg: interrupted by signal {error.signum}; every file is as before or completely written", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("iokg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as error:  # last resort: a clear line, never a traceback by default
        if args.debug:
            raise
        print(f"iokg: internal error: {type(error).__name__}: {error} (run with --debug for details)", file=sys.stderr)
        return ExitCode.ERROR


if __name__ == "__main__":
    sys.exit(main())
