"""The ``wa-lint`` command: ``report``, ``rules``, ``explain`` and ``graph``.

argparse keeps start-up cheap (pre-commit runs us on every commit); heavy modules are imported
by the subcommand that needs them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from wa_lint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PARALLEL_THRESHOLD = 8  # sources; below this a process pool costs more than it saves


def _csv(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wa-lint",
        description="Lint CloudFormation, SAM and CDK output against the AWS Well-Architected Serverless Lens.",
    )
    parser.add_argument("--version", action="version", version=f"wa-lint {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    report = sub.add_parser("report", help="lint templates and report findings")
    report.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    report.add_argument("--format", choices=["text", "json"], default="text")
    report.add_argument("--output", "-o", help="write the report to this file")
    report.add_argument("--select", action="append",
                        help="only these rules (ids, names, prefixes; comma-separated)")
    report.add_argument("--ignore", action="append", help="skip these rules")
    report.add_argument("--fail-on", choices=["error", "warning", "info", "never"], default="error")
    report.add_argument("--jobs", "-j", type=int, default=None,
                        help="parallel processes (default: all CPUs when there are many files)")
    report.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")

    rules = sub.add_parser("rules", help="list the available rules")
    rules.add_argument("--format", choices=["text", "json", "markdown"], default="text")

    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule", help="rule id or name, e.g. WA101")

    graph = sub.add_parser("graph", help="print the resource graph")
    graph.add_argument("paths", nargs="*", default=["."])
    graph.add_argument("--format", choices=["json", "dot"], default="json")
    graph.add_argument("--output", "-o")
    return parser


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _jobs(requested: int | None, n_sources: int) -> int:
    if requested is not None:
        return max(1, requested)
    return (os.cpu_count() or 1) if n_sources >= PARALLEL_THRESHOLD else 1


def cmd_report(args: argparse.Namespace) -> int:
    from wa_lint.discover import discover
    from wa_lint.plugins import PluginError, load_rules, select_rules
    from wa_lint.report import Report, render
    from wa_lint.runner import lint_all

    try:
        rules = select_rules(load_rules(), _csv(args.select), _csv(args.ignore))
    except PluginError as exc:
        print(f"wa-lint: {exc}", file=sys.stderr)
        return EXIT_ERROR
    sources, missing = discover(args.paths)
    results = lint_all(sources, rules, jobs=_jobs(args.jobs, len(sources)))
    report = Report(results, rules, usage_errors=missing)
    for error in report.errors:
        print(f"wa-lint: {error}", file=sys.stderr)
    if args.debug:
        for r in results:
            if r.traceback:
                print(r.traceback, file=sys.stderr)
    color = None if not args.output else False
    _write(render(report, args.format, color=color), args.output)
    return report.exit_code(args.fail_on)


def cmd_rules(args: argparse.Namespace) -> int:
    from wa_lint.docs import rules_json, rules_markdown_table, rules_text
    from wa_lint.plugins import load_rules

    rules = load_rules()
    render = {"json": rules_json, "markdown": rules_markdown_table, "text": rules_text}[args.format]
    sys.stdout.write(render(rules))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from wa_lint.docs import explain
    from wa_lint.plugins import find_rule, load_rules

    meta = find_rule(load_rules(), args.rule)
    if meta is None:
        print(f"wa-lint: unknown rule {args.rule!r} (see `wa-lint rules`)", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(explain(meta))
    return EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    from wa_lint.discover import discover
    from wa_lint.graph.export import graphs_for, render_graphs

    sources, missing = discover(args.paths)
    graphs, errors = graphs_for(sources)
    for error in missing + errors:
        print(f"wa-lint: {error}", file=sys.stderr)
    _write(render_graphs(graphs, args.format), args.output)
    return EXIT_ERROR if missing or errors else EXIT_OK


COMMANDS = {"report": cmd_report, "rules": cmd_rules, "explain": cmd_explain, "graph": cmd_graph}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if getattr(args, "debug", False):
            raise
        print(f"wa-lint: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
