"""The ``iokg`` command: a thin layer over the ``kg`` library.

Exit codes: 0 ok, 1 violations (the graph or the input does not conform), 2 usage or
input error (bad arguments, unreadable or unparseable files). No command prints a
traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kg.bounds import DEFAULT_TIMEOUT, Limits, using
from kg.policy import allowing
from kg.errors import ExitCode, InputError, Interrupted, IokgError, UsageError
from kg.results import ResultFormat

EXIT_CODES = """exit codes:
  0  ok
  1  violations: the graph or the input does not conform
  2  usage or input error: bad arguments, a file that cannot be read or parsed,
     something the network and file policy refuses
  3  a bound stopped the work: --timeout, or a --limit (file size, literal size, IRI length,
     nesting depth, entity expansion, triples, memory)"""


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
    data.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                      help="raise or lower a bound on the input (repeatable): file-size, literal-size, iri-length, "
                           "nesting-depth, entity-expansion, triples, memory; sizes take K, M, G (see README, Limits)")
    stored = argparse.ArgumentParser(add_help=False, parents=[data])
    where = stored.add_mutually_exclusive_group()
    where.add_argument("--store", metavar="STORE",
                       help="where the graph is read from: memory (rdflib), oxigraph (in memory), oxigraph:PATH "
                            "(on disk, kept in step with the files), or an http(s) SPARQL endpoint; "
                            "default: the on-disk index in the user's cache")
    where.add_argument("--endpoint", metavar="URL", help="a remote SPARQL 1.1 endpoint (same as --store URL)")
    where.add_argument("--engine", choices=["rdflib", "oxigraph"], help=argparse.SUPPRESS)  # before --store

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
    qc = sub.add_argument_group("ontology quality-control report (in the manner of ROBOT's report)")
    qc.add_argument("--report", action="store_true",
                    help="run the QC rules of queries/checks/qc/ instead of the checks, and write their findings")
    qc.add_argument("--format", choices=_quality_formats(), default="tsv", help="report format (default: tsv)")
    qc.add_argument("--profile", type=Path, metavar="FILE",
                    help="rules and levels to use, one 'LEVEL<TAB>RULE' per line (default: queries/checks/qc/profile.txt)")
    qc.add_argument("--fail-on", choices=["ERROR", "WARN", "INFO", "none"], default="ERROR",
                    help="exit 1 when a finding is at this level or more serious (default: ERROR; none: never)")
    qc.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the report to FILE (atomically)")
    sub.set_defaults(run=_check)

    sub = commands.add_parser("stats", parents=[stored], help="counts per class, per named graph and per source language")
    sub.add_argument("--format", choices=["text", "json"], default="text")
    sub.set_defaults(run=_stats)

    formats = argparse.ArgumentParser(add_help=False)
    formats.add_argument("--format", choices=[f.value for f in ResultFormat], default="table",
                         help="table (readable, with labels; default) or a SPARQL 1.1 result format")

    bounded = argparse.ArgumentParser(add_help=False)
    bounded.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                         help=f"stop the query after this many seconds, exit 3 (default {DEFAULT_TIMEOUT:g}; 0: no bound)")
    bounded.add_argument("--allow-remote", action="store_true",
                         help="allow SERVICE, LOAD and FROM / FROM NAMED of graphs outside the dataset (off by default)")

    sub = commands.add_parser("queries", help="list the named queries with their summaries and parameters")
    sub.set_defaults(run=_queries)

    sub = commands.add_parser(
        "query", parents=[stored, formats, bounded], help="run a named query",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("name", help="the query's name (see 'iokg queries')")
    sub.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                     help="a parameter value; IRIs as full IRIs or prefixed names (op:spamouflage)")
    sub.set_defaults(run=_query)

    sub = commands.add_parser(
        "sparql", parents=[stored, formats, bounded], help="run ad-hoc SPARQL over the graph",
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
    inputs.add_argument("--context", action="append", default=[], metavar="FILE|IRI=FILE",
                        help="a JSON-LD context the input may use: FILE at its own path, or a local copy served "
                             "for IRI (repeatable); no other context is fetched or read")

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
        parents=[stored],
        help="the main job: load the graph, validate it, print a summary and the operations with their sponsors",
    )
    sub.set_defaults(run=_overview)

    sub = commands.add_parser(
        "export", parents=[stored],
        help="write the graph in an RDF format, deterministically, with its VoID/DCAT description",
        description="Write the data graphs (or the chosen ones) with the dataset's VoID/DCAT description. "
                    "N-Quads, TriG and JSON-LD keep the named graphs; Turtle, N-Triples and RDF/XML get their union.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--format", default="turtle", choices=_Choices("kg.exports", "ExportFormat"), metavar="FORMAT",
                     help="RDF format: %(choices)s (default: turtle)")
    sub.add_argument("--graph", action="append", metavar="NAME",
                     help="export only this graph (repeatable): doc:000, 000, graph:reference, reference, ontology, shapes or a full IRI")
    ontology = sub.add_mutually_exclusive_group()
    ontology.add_argument("--no-ontology", dest="with_ontology", action="store_false", default=True,
                          help="leave out the ontology (graph <https://w3id.org/iokg/ontology>, included by default: "
                               "the named queries need its class and property hierarchy)")
    ontology.add_argument("--with-ontology", dest="with_ontology", action="store_true",
                          help="include the ontology (the default; kept for scripts)")
    sub.add_argument("--with-shapes", action="store_true", help="include the SHACL shapes (graph <https://w3id.org/iokg/shapes>)")
    sub.add_argument("--context", dest="jsonld_context", choices=_Choices("kg.exports", "JsonLdContext"), default="inline", metavar="MODE",
                     help="JSON-LD: write the context into the file (inline, default: reads offline) "
                          "or reference it by its IRI https://w3id.org/iokg/context.jsonld (iri)")
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (atomically) instead of standard output")
    sub.set_defaults(run=_export)

    sub = commands.add_parser(
        "import", help="import a platform's archive file (accounts or tweets CSV) into a named graph of its own",
        description="Import the users file or the tweets file of a platform's information-operation archive "
                    "(CSV in the column layout of Twitter's hashed releases; .csv, .csv.gz or .zip). Every row is "
                    "checked against the shapes first; a bad row is reported with its file and line, and then "
                    "nothing is written unless --skip-bad. The graph is written to DATA/archives/NAME.nt "
                    "(N-Triples, graph archive:NAME) atomically under the data folder's lock.",
        epilog=EXIT_CODES.replace("the graph or the input does not conform", "bad rows; nothing was imported"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = sub.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    archive = argparse.ArgumentParser(add_help=False)
    archive.add_argument("file", type=Path, metavar="FILE.csv", help="the archive file (.csv, .csv.gz or .zip)")
    archive.add_argument("--platform", default="platform:twitter", metavar="IRI",
                         help="the platform of the archive (default: platform:twitter)")
    archive.add_argument("--document", metavar="IRI", help="the source document that published the archive (io:reportedIn)")
    archive.add_argument("--as", dest="name", metavar="NAME", help="the graph's name (default: the file name without .csv/.gz/.zip)")
    archive.add_argument("--replace", action="store_true", help="replace the graph if it exists")
    archive.add_argument("--skip-bad", action="store_true", help="import the good rows and skip (and report) the bad ones")
    progress = archive.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="show a progress bar (default: only on a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_false", help="never show a progress bar")
    accounts = kinds.add_parser("accounts", parents=[data, archive], help="the users file: one account per row",
                                epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    accounts.add_argument("--operation", required=True, metavar="IRI", help="the operation the accounts belong to (op:…)")
    accounts.set_defaults(run=_import)
    tweets = kinds.add_parser("tweets", parents=[data, archive], help="the tweets file: one post per row",
                              epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    tweets.set_defaults(run=_import, operation=None)

    sub = commands.add_parser(
        "plot", parents=[stored], help="draw the timeline of policy responses or the network of operations as SVG",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("picture", choices=_pictures(), help="timeline: policy responses by date; "
                     "network: operations with their sponsors, platforms and narratives")
    sub.add_argument("--operation", metavar="IRI", help="network: only this operation (op:spamouflage or a full IRI)")
    sub.add_argument("-o", "--output", type=Path, metavar="FILE.svg", help="write to FILE (atomically) instead of standard output")
    sub.set_defaults(run=_plot)

    sub = commands.add_parser(
        "serve", parents=[data],
        help="serve the graph: SPARQL 1.1 endpoint, Linked Data pages, named queries over HTTP, a query page",
        description="Serve the graph over HTTP (needs the [server] extra). Read-only and bound to 127.0.0.1 "
                    "unless told otherwise; every query is stopped past --timeout.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    sub.add_argument("--port", type=int, default=7878, help="port (default: 7878)")
    sub.add_argument("--store", metavar="STORE", help="the store queries run on, in memory: oxigraph (default) or memory (rdflib)")
    sub.add_argument("--timeout", type=float, default=30.0, metavar="S",
                     help="seconds a query may run before it is stopped and answered 503 (default: 30)")
    sub.add_argument("--max-rows", type=int, default=10_000, metavar="N",
                     help="rows (or triples) a result holds at most; longer results are cut and say so (default: 10000)")
    sub.add_argument("--max-body", type=int, default=1_000_000, metavar="BYTES", help="largest request body (default: 1000000)")
    sub.add_argument("--max-query", type=int, default=100_000, metavar="CHARS", help="longest query text (default: 100000)")
    sub.add_argument("--max-concurrent", type=int, metavar="N", help="queries run at once (default: CPUs, at least 2)")
    sub.add_argument("--max-queued", type=int, default=32, metavar="N", help="queries waiting at once; more get 503 (default: 32)")
    sub.add_argument("--max-memory", type=int, metavar="BYTES",
                     help="address space of the process a query runs in (it shares the server's: give the "
                          "server's size plus the query's room); past it the query gets 503 (default: no bound)")
    sub.add_argument("--base", metavar="URL",
                     help="this server's public address; IRIs under https://w3id.org/iokg/ link to it "
                          "(default: http://HOST:PORT/)")
    sub.add_argument("--allow-update", action="store_true",
                     help="accept SPARQL Update with the bearer token in IOKG_UPDATE_TOKEN, validated like 'iokg add'")
    sub.set_defaults(run=_serve)

    sub = commands.add_parser(
        "push", parents=[data],
        help="write every named graph to a remote SPARQL 1.1 store (Graph Store Protocol PUT)",
        description="Write the ontology, reference, curation, DISARM, provenance and document graphs to a "
                    "SPARQL 1.1 store as named graphs (HTTP PUT: a second push leaves the same state). "
                    "Credentials from IOKG_ENDPOINT_TOKEN or IOKG_ENDPOINT_USER/IOKG_ENDPOINT_PASSWORD.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--endpoint", required=True, metavar="URL",
                     help="the store's SPARQL query URL (Oxigraph: http://host:7878/query; Fuseki: http://host:3030/ds/sparql)")
    sub.add_argument("--graph-store", metavar="URL",
                     help="its Graph Store Protocol URL (default: derived from --endpoint: …/store or …/data)")
    sub.set_defaults(run=_push)

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
    placement = report.graphs_placement
    print(f"named graphs: {'ok' if not placement else f'{len(placement)} statement(s) in the wrong graph'}", file=out)
    for problem in placement:
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


def _quality_formats() -> list[str]:
    from kg.quality import QualityFormat

    return [f.value for f in QualityFormat]


def _quality_report(args) -> int:
    from kg.files import write_atomic
    from kg.quality import Level, format_report, report

    result = report(data_dir=args.data, profile=args.profile)
    text = format_report(result, args.format)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text.encode("utf-8"))
    counts = result.counts()
    print(f"QC report: {len(result.rules)} rules, {len(result.findings)} findings "
          + ", ".join(f"{level.value} {n}" for level, n in counts.items()), file=sys.stderr)
    fail_on = None if args.fail_on == "none" else Level(args.fail_on)
    return ExitCode.VIOLATIONS if result.failed(fail_on) else ExitCode.OK


def _check(args) -> int:
    from kg.checks import check

    if args.report:
        return _quality_report(args)
    if args.profile is not None or args.output is not None:
        raise UsageError("--profile and -o/--output belong to --report")

    report = check(data_dir=args.data, reasoner=args.reasoner)
    _print_check(report, verbose=args.verbose)
    return ExitCode.OK if report.ok else ExitCode.VIOLATIONS


def _print_stats(result) -> None:
    print(f"{result.triples} triples (all graphs)")
    print("\ntriples per named graph:")
    width = max(map(len, result.graphs), default=0)
    for name, count in result.graphs.items():
        print(f"  {name:<{width}}  {count:>6}")
    print("\ninstances per class (data graphs):")
    width = max(map(len, result.classes), default=0)
    for name, count in result.classes.items():
        print(f"  {name:<{width}}  {count:>6}")
    print("\nper source language:")
    for lang, counts in result.languages.items():
        print(f"  {lang}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def _stats(args) -> int:
    from dataclasses import asdict

    from kg.counts import stats

    result = stats(_open(args).dataset())
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


def _open(args, *, default: str | None = None):
    """The store the command reads (``--store``, ``--endpoint``; ``--engine`` as before)."""
    from kg.store import open_store

    spec = args.endpoint or args.store or {"rdflib": "memory", "oxigraph": "oxigraph"}.get(args.engine or "")
    return open_store(spec or default, data_dir=args.data)


def _print_rows(rows, args, store) -> None:
    from kg.results import iris, write_results

    labels = store.labels(iris(rows)) if args.format == "table" else None
    write_results(rows, ResultFormat(args.format), sys.stdout, labels=labels)


def _query(args) -> int:
    from kg.queries import query

    store = _open(args)
    rows = query(args.name, store=store, timeout=_timeout(args), **_params(args.param))
    _print_rows(rows, args, store)
    return ExitCode.OK


def _timeout(args) -> float | None:
    if args.timeout < 0:
        raise UsageError(f"--timeout must be a number of seconds (0: no bound), got {args.timeout:g}")
    return args.timeout or None


def _sparql(args) -> int:
    from kg.parsing import read_text
    from kg.queries import run

    if args.file is not None:
        text = read_text(args.file)
    else:
        text = args.text
    store = _open(args)
    rows = run(text, store=store, timeout=_timeout(args), allow_remote=args.allow_remote)
    _print_rows(rows, args, store)
    return ExitCode.OK


def _failed(report, strict: bool) -> bool:
    return not report.conforms or (strict and bool(report.results))


def _validate(args) -> int:
    from kg.dataset import load
    from kg.validation import ReportFormat, format_report, validate

    existing = load(data_dir=args.data)
    report = validate(args.files, against=existing, format=args.input_format, incremental=not args.full)
    sys.stdout.write(format_report(report, ReportFormat(args.format), strict=args.strict))
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
    from kg.counts import stats
    from kg.dataset import union
    from kg.validation import validate_graph

    store = _open(args)
    dataset = store.dataset()
    result = stats(dataset)
    report = validate_graph(union(dataset))
    print(f"iokg: {result.triples} triples, {len(result.graphs)} named graphs, "
          f"{sum(c['documents'] for c in result.languages.values())} source documents "
          f"({', '.join(sorted(result.languages))})")
    print(f"SHACL: {'conforms' if report.conforms else 'does not conform'} "
          f"({len(report.violations)} violation(s))")
    for result_ in report.violations:
        print(f"  {result_}")
    from kg.queries import query
    from kg.results import iris, write_results

    print("\nInfluence operations, their sponsors and platforms (query 'operations'):")
    rows = query("operations", store=store)
    write_results(rows, ResultFormat.TABLE, sys.stdout, labels=store.labels(iris(rows)))
    return ExitCode.OK if report.conforms else ExitCode.VIOLATIONS


class _Choices:
    """The values of an enum as argparse ``choices``, imported only when the command that
    takes them is used or its help shown (``iokg query`` does not import the exporters)."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def _values(self) -> list[str]:
        import importlib

        return [member.value for member in getattr(importlib.import_module(self.module), self.name)]

    def __contains__(self, value: object) -> bool:
        return value in self._values()

    def __iter__(self):
        return iter(self._values())

    def __str__(self) -> str:
        return ", ".join(self._values())


def _export(args) -> int:
    from kg.exports import export, write_atomic

    # Every store gives the same bytes. By default Oxigraph in memory, bulk-loaded from the
    # files: dumping the on-disk index reads every term through RocksDB and is slower than
    # loading again (README, "Export speed").
    data = export(_open(args, default="oxigraph"), format=args.format, graphs=args.graph,
                  with_ontology=args.with_ontology, with_shapes=args.with_shapes, context=args.jsonld_context)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(args.output, data)
    return ExitCode.OK


def _import(args) -> int:
    from kg.archives import import_archive

    result = import_archive(args.kind, args.file, operation=args.operation, platform=args.platform,
                            document=args.document, data_dir=args.data, name=args.name, skip_bad=args.skip_bad,
                            replace=args.replace, progress=args.progress)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.bad > len(result.problems):
        print(f"... and {result.bad - len(result.problems)} more bad row(s)", file=sys.stderr)
    if result.ignored_columns:
        print(f"iokg: ignored column(s) not in the {result.kind.value} layout: {', '.join(result.ignored_columns)}",
              file=sys.stderr)
    if result.path is None:
        why = f"{result.bad} bad row(s) of {result.rows}" if result.bad else "no rows"
        print(f"nothing imported: {why}" + (" (--skip-bad imports the others)" if result.bad else ""), file=sys.stderr)
        return ExitCode.VIOLATIONS if result.bad else ExitCode.ERROR
    print(f"imported {result.imported} of {result.rows} row(s) ({result.triples} triples, "
          f"{result.rate:,.0f} rows/s) into <{result.graph}>: {result.path}"
          + (f"; {result.bad} bad row(s) skipped" if result.bad else ""))
    return ExitCode.OK


def _pictures() -> list[str]:
    from kg.pictures import Picture

    return [p.value for p in Picture]


def _plot(args) -> int:
    from kg.files import write_atomic
    from kg.pictures import draw
    from kg.queries import expand_iri

    operation = expand_iri(args.operation) if args.operation else None
    svg = draw(args.picture, _open(args), operation=operation)
    if args.output is None:
        sys.stdout.write(svg)
    else:
        write_atomic(args.output, svg.encode("utf-8"))
    return ExitCode.OK


def _serve(args) -> int:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        raise UsageError(f"iokg serve needs the server extra ({error.name} is missing): "
                         "pip install 'iokg[server]'") from None
    from kg.server import Settings, serve
    from dataclasses import replace

    if args.timeout <= 0 or args.max_rows <= 0 or args.max_body <= 0 or args.max_query <= 0:
        raise UsageError("--timeout, --max-rows, --max-body and --max-query must be positive")
    if args.allow_update:
        from kg.server.settings import UPDATE_TOKEN_VARIABLE

        if not os.environ.get(UPDATE_TOKEN_VARIABLE):
            raise UsageError(f"--allow-update needs a bearer token in the environment variable {UPDATE_TOKEN_VARIABLE}")
    settings = Settings(host=args.host, port=args.port, data_dir=args.data, store=args.store, timeout=args.timeout,
                        max_rows=args.max_rows, max_body=args.max_body, max_query=args.max_query, base=args.base,
                        allow_update=args.allow_update, max_queued=args.max_queued, max_memory=args.max_memory)
    if args.max_concurrent:
        settings = replace(settings, max_concurrent=args.max_concurrent)
    print(f"iokg: serving on http://{args.host}:{args.port}/ (SPARQL at /sparql; Ctrl-C stops)", file=sys.stderr)
    serve(settings)
    return ExitCode.OK


def _push(args) -> int:
    from kg.publication import push

    result = push(endpoint=args.endpoint, graph_store=args.graph_store, data_dir=args.data)
    for pushed in result.pushed:
        print(f"{pushed.triples:>7}  <{pushed.graph}>")
    total = sum(p.triples for p in result.pushed)
    how = "the default graph set to their merge" if result.merged_default else "the store serves their union"
    print(f"pushed {len(result.pushed)} graph(s), {total} triple(s) to {result.endpoint}; {how}")
    return ExitCode.OK


def _docs(args) -> int:
    from kg.docs import build

    for path in build(args.output):
        print(path)
    return ExitCode.OK


def _limits(args) -> Limits:
    bounds = Limits()
    for option in getattr(args, "limit", []):
        bounds = bounds.with_option(option)
    return bounds


def _check_data(args) -> None:
    """``--data`` names an existing folder: a mistyped path is an error, never created."""
    data = getattr(args, "data", None)
    if data is not None and not data.is_dir():
        raise UsageError(f"--data {data}: {'not a folder' if data.exists() else 'no such folder'}")


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
        with using(_limits(args)), allowing(getattr(args, "context", [])):
            _check_data(args)
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
