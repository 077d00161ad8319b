"""The ``wa-lint`` command: ``report``, ``rules``, ``explain``, ``suppressions``, ``graph``,
``cfn-lint-rules-dir`` and ``server``.

argparse keeps start-up cheap (pre-commit runs us on every commit); heavy modules are imported
by the subcommand that needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from wa_lint import __version__

if TYPE_CHECKING:
    from wa_lint.cache import Cache
    from wa_lint.config import Config
    from wa_lint.config_tree import ConfigTree
    from wa_lint.discover import Source
    from wa_lint.filter.stage import FilterStage
    from wa_lint.finding import RuleMeta
    from wa_lint.link.index import DeferredIndex, LinkIndex
    from wa_lint.pipeline import FileResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PARALLEL_THRESHOLD = 8  # sources; below this a process pool costs more than it saves
FORMATS = ("text", "json", "sarif", "junit", "github", "markdown", "html")  # = wa_lint.report.FORMATS


def _csv(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


def _save_spec(value: str) -> tuple[str, str]:
    fmt, sep, path = value.partition(":")
    if not sep or fmt not in FORMATS or not path:
        raise argparse.ArgumentTypeError(f"expected FORMAT:PATH with FORMAT one of {', '.join(FORMATS)}")
    if path == "-":
        raise argparse.ArgumentTypeError("--save writes a file; the report on standard output is --format without -o")
    return fmt, path


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _usage_error(args: argparse.Namespace) -> str | None:
    """What the parser cannot say alone: options that contradict or do nothing together."""
    if getattr(args, "config", None) and getattr(args, "no_config", False):
        return "--config and --no-config exclude each other"
    if getattr(args, "stdin_filename", None) and "-" not in args.paths:
        return "--stdin-filename names the template read from standard input: give - as a path"
    written = [("--output", args.output)] if getattr(args, "output", None) else []
    written += [("--save", path) for _, path in getattr(args, "save", [])]
    seen: dict[str, str] = {}
    for option, path in written:
        key = os.path.abspath(path)
        if key in seen:
            return f"{seen[key]} and {option} both write {path}: one report would replace the other"
        seen[key] = option
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wa-lint",
        description="Lint CloudFormation, SAM and CDK output against the AWS Well-Architected Serverless Lens.",
    )
    parser.add_argument("--version", action="version", version=f"wa-lint {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    report = sub.add_parser("report", help="lint templates and report findings")
    report.set_defaults(parser=report)  # for the usage errors found after parsing (_usage_error)
    report.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .); - reads a "
                        "template from standard input")
    report.add_argument("--stdin-filename", metavar="PATH", help="the name findings give the template read from -")
    report.add_argument("--format", choices=FORMATS, default="text")
    report.add_argument("--output", "-o", help="write the report to this file")
    report.add_argument("--save", action="append", type=_save_spec, default=[], metavar="FORMAT:PATH",
                        help="also write the report in FORMAT to PATH (repeatable), e.g. sarif:wa-lint.sarif")
    report.add_argument("--select", action="append",
                        help="only these rules (ids, names, prefixes; comma-separated); replaces the config's")
    report.add_argument("--extend-select", action="append", metavar="RULES",
                        help="run these rules too (added to the config's or the default selection)")
    report.add_argument("--ignore", action="append", help="skip these rules (added to the config's)")
    report.add_argument("--severity-min", choices=["error", "warning", "info"], default=None,
                        help="report only findings at or above this severity; 'info' also runs the rules "
                             "that are off by default (e.g. WA211)")
    report.add_argument("--fail-on", choices=["error", "warning", "info", "never"], default=None,
                        help="exit 1 when a finding is at least this severe (default: config, else error)")
    report.add_argument("--config", help="configuration file for every file (default: each file's nearest "
                                         ".wa-lint.yaml or pyproject.toml with [tool.wa-lint], from its directory up)")
    report.add_argument("--no-config", action="store_true", help="ignore configuration files")
    report.add_argument("--show-suppressed", action="store_true",
                        help="list suppressed and baselined findings with their reasons")
    report.add_argument("--baseline", metavar="FILE", help="report only findings not in this baseline file")
    report.add_argument("--write-baseline", metavar="FILE", help="write the current findings as a baseline")
    report.add_argument("--force-exclude", action="store_true",
                        help="apply the config's exclude globs to files named on the command line too")
    report.add_argument("--skip-non-templates", action="store_true",
                        help="skip named files that are not templates instead of failing (for pre-commit)")
    report.add_argument("--cdk-synth", action="store_true",
                        help="synthesize every CDK app found (its cdk.json app, through `npx cdk synth`) into a "
                             "temporary directory and lint that, instead of an existing cdk.out")
    report.add_argument("--verbose", "-v", action="store_true",
                        help="list the files skipped as not templates (and why) on stderr")
    report.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary; findings only")
    report.add_argument("--stack-name", action="append", default=[], metavar="TEMPLATE=NAME",
                        help="the stack name TEMPLATE is deployed as (repeatable); links its exports "
                             "named with AWS::StackName")
    report.add_argument("--config-env", default="default", metavar="NAME",
                        help="the samconfig.toml environment whose stack_name and parameter_overrides the "
                             "deployments use (as sam deploy --config-env; default: default)")
    report.add_argument("--parameters", action="append", default=[], metavar="[TEMPLATE=]FILE",
                        help="a CloudFormation parameter file the deployment of TEMPLATE passes (repeatable; "
                             "without TEMPLATE=, for the run's only template)")
    report.add_argument("--jobs", "-j", type=_positive, default=None,
                        help="parallel processes (default: all CPUs when there are many files)")
    report.add_argument("--debug", action="store_true",
                        help="show tracebacks of internal errors and every analysis that failed")
    report.add_argument("--no-cache", action="store_true",
                        help="lint every file afresh, neither reading nor writing the cache (.wa-lint-cache)")

    rules = sub.add_parser("rules", help="list the available rules")
    rules.add_argument("--format", choices=["text", "json", "markdown"], default="text")

    explain = sub.add_parser("explain", help="show a rule's documentation, or what another tool's rule maps to")
    explain.add_argument("rule", help="rule id or name, e.g. WA101; or another tool's id, e.g. CKV_AWS_116, "
                                      "ES1007, LambdaDLQ, W89")

    review = sub.add_parser("suppressions", help="list every suppression in force and whether it still matches")
    review.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    review.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    review.add_argument("--output", "-o", help="write the list to this file")
    review.add_argument("--config", help="configuration file for every file (as for report)")
    review.add_argument("--no-config", action="store_true", help="ignore configuration files")
    review.add_argument("--fail-on-stale", action="store_true",
                        help="exit 1 when a suppression matches nothing or is refused")
    review.add_argument("--jobs", "-j", type=_positive, default=None, help="parallel processes")
    review.set_defaults(parser=review, skip_non_templates=False, cdk_synth=False, force_exclude=False, select=None,
                        ignore=None, stack_name=[], parameters=[], config_env="default")

    graph = sub.add_parser("graph", help="print the resource graph")
    graph.add_argument("paths", nargs="*", default=["."])
    graph.add_argument("--format", choices=["json", "dot"], default="json")
    graph.add_argument("--output", "-o")

    sub.add_parser("cfn-lint-rules-dir", help="print the directory to pass to `cfn-lint --append-rules`")

    clean = sub.add_parser("clean", help="remove the result cache (.wa-lint-cache) of this project")
    clean.add_argument("--config", help="the configuration file whose directory holds the cache")

    server = sub.add_parser("server", help="run the language server (LSP over stdio) for editors")
    server.add_argument("--stdio", action="store_true", help="talk LSP on stdin/stdout (the default and only mode)")
    server.add_argument("--no-config", action="store_true", help="ignore configuration files")
    return parser


def _write(text: str, output: str | None) -> None:
    """To ``output`` through a temporary file renamed over it (a failed write leaves an existing
    report intact; :class:`~wa_lint.fileio.OutputError` otherwise), or to stdout."""
    if output:
        from wa_lint.fileio import write_text_atomic

        write_text_atomic(output, text)
    else:
        sys.stdout.write(text)


def _overwrites_input(targets: list[tuple[str, str]], sources: list[Source],
                      results: list[FileResult] | None = None) -> str | None:
    """The error for an output (``--output``, ``--save``, ``--write-baseline``) that would replace a
    file this run lints: a discovered source, a file of a linted cloud assembly, or a nested
    template a finding names. None when every target is safe."""
    if not targets:
        return None
    from wa_lint.fileio import InputFiles

    inputs = InputFiles(sources)
    for result in results or ():
        for path in {f.path for f in result.findings} | {s.finding.path for s in result.suppressed}:
            if path:
                inputs.add(path)
    return next((refusal for option, target in targets if (refusal := inputs.refusal(option, target))), None)


def _line(text: object) -> str:
    """Text that may come from input (paths, ids, messages) as one printable line for stderr."""
    from wa_lint.escape import line

    return line(text)


def _jobs(requested: int | None, n_sources: int) -> int:
    if requested is not None:
        return max(1, requested)
    return (os.cpu_count() or 1) if n_sources >= PARALLEL_THRESHOLD else 1


def _all_rules(cache_directory: Path | None = None) -> list[RuleMeta]:
    """Every installed rule plus the suppression checks (WA001, WA002); through the rules
    manifest kept in ``cache_directory`` (:func:`_cache_directory`) when there is one."""
    from wa_lint.setup import all_rules

    return all_rules(cache_directory)


def _cache_directory(args: argparse.Namespace) -> Path | None:
    """Where ``report``'s result cache and rules manifest live (``wa_lint.cache``), found before the
    configuration is read; None with ``--no-cache``, ``WA_LINT_NO_CACHE=1`` or ``--cdk-synth`` (a
    fresh temporary assembly every run)."""
    from wa_lint.cache import directory_for, disabled_by_env

    if args.no_cache or args.cdk_synth or disabled_by_env():
        return None
    return directory_for(args.config, args.no_config)


def _sources(args: argparse.Namespace, tree: ConfigTree) -> tuple[list[Source], list[str], list[tuple[str, str]]]:
    """Discovered sources minus excluded ones (each by its own configuration); named non-templates
    skipped when asked (pre-commit names ``cdk.json`` and ``serverless.yml`` too: those are not
    templates either). Also returns the errors (missing paths, broken configurations: the files
    they govern are not linted) and the skipped files with their reasons."""
    from wa_lint.build_first import SERVERLESS_FILES
    from wa_lint.config import ConfigError
    from wa_lint.discover import discover_all, looks_like_template

    paths = args.paths
    if args.skip_non_templates:
        paths = [p for p in paths if Path(p).name not in {"cdk.json", *SERVERLESS_FILES}]
        if not paths:
            return [], [], []
    found = discover_all(paths, cdk_synth=args.cdk_synth)
    kept = []
    for source in found.sources:
        try:
            tree.for_path(source.path)
            excluded = (args.force_exclude or not source.explicit) and tree.excluded(source.path) is not None
        except ConfigError as exc:
            found.errors.extend([] if str(exc) in found.errors else [str(exc)])
            continue
        if excluded:
            found.skipped.append((source.display, "excluded by the configuration"))
            continue
        if args.skip_non_templates and source.explicit and source.kind == "template":
            if not looks_like_template(source.path):
                found.skipped.append((source.display, "not a CloudFormation template"))
                continue
            source = dataclasses.replace(source, explicit=False)
        stdin = getattr(args, "stdin_source", None)
        if stdin is not None and source.path == stdin[0]:
            source = dataclasses.replace(source, display=stdin[1])
        kept.append(source)
    return kept, found.errors, found.skipped


def _synthesize(sources: list[Source], workdir: Path) -> list[Source]:
    """``--cdk-synth``: every CDK app among ``sources`` replaced by its freshly synthesized
    assembly (in ``workdir``), or by itself with the reason synthesis failed."""
    from wa_lint.cdk_synth import synthesize

    out = []
    for n, source in enumerate(sources):
        if source.kind == "cdk-app":
            target = workdir / str(n)
            target.mkdir()
            source = synthesize(source, target)
        out.append(source)
    return out


def _print_skipped(skipped: list[tuple[str, str]], results: list[FileResult]) -> None:
    """``--verbose``: every candidate file that was not linted, and why."""
    from wa_lint.escape import printable

    rows = [*skipped, *((r.path, r.skip_reason or "not a template") for r in results if r.skipped)]
    for shown, reason in sorted(rows):
        print(f"wa-lint: skipped {printable(shown)}: {printable(reason)}", file=sys.stderr)


def _baseline_file(args: argparse.Namespace, config: Config) -> Path | None:
    if args.baseline:
        return Path(args.baseline)
    configured = config.baseline_path()
    if configured is not None and not args.write_baseline:
        return configured
    return None


class _DebugLines(logging.Handler):
    """``--debug``: the ``wa_lint`` loggers' records as ``wa-lint: debug: …`` lines on stderr
    (workers of the process pool inherit it when forked). Control characters, which a template's
    text in an exception message could carry, are shown escaped."""

    def emit(self, record: logging.LogRecord) -> None:
        from wa_lint.escape import printable

        print(f"wa-lint: debug: {printable(record.getMessage())}", file=sys.stderr)


def _link_index(args: argparse.Namespace, sources: list[Source], cache: Cache | None = None,
                defer: bool = False) -> tuple[LinkIndex | DeferredIndex | None, list[str]]:
    """The run's link index (``wa_lint.link``) with the deployment options; their errors as lines.
    Through the cache when there is one: building it loads every stack that may link. ``defer``
    (a parallel run without the cache): built by ``lint_all`` while the pool lints, its errors
    added to the returned list then."""
    from wa_lint.link.deploy import DeployOptions, parse_assignment
    from wa_lint.link.index import DeferredIndex, build_index

    options, errors = DeployOptions(config_env=args.config_env), []
    if not args.config_env:
        errors.append("--config-env expects an environment name")
    for value in args.stack_name:
        try:
            template, name = parse_assignment(value, "--stack-name")
            options.stack_names[template] = name
        except ValueError as exc:
            errors.append(str(exc))
    for value in args.parameters:
        template, sep, path = value.rpartition("=")
        options.parameter_files.append((template if sep and template else None, path if sep else value))
    lone = [t for t, _ in options.parameter_files if t is None]
    if lone and sum(s.kind == "template" for s in sources) != 1:
        errors.append("--parameters FILE needs TEMPLATE=FILE when the run lints more than one template")
    if defer:
        through = None if cache is None else lambda srcs, opts, wanted: cache.links(srcs, opts, build_index, wanted)
        return DeferredIndex(sources, options, errors, through), errors
    links, more = build_index(sources, options) if cache is None else cache.links(sources, options, build_index)
    return links, [*errors, *more]


def cmd_report(args: argparse.Namespace) -> int:
    if not args.debug:
        return _report(args)
    logger, handler = logging.getLogger("wa_lint"), _DebugLines()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        return _report(args)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _report_stdin(args: argparse.Namespace) -> int:
    """``-`` among the paths: the template on standard input is linted from a temporary copy that keeps
    the ``--stdin-filename`` suffix (YAML or JSON), and findings name it ``--stdin-filename`` (else ``-``)."""
    import tempfile

    name = Path(args.stdin_filename or "stdin.yaml").name or "stdin.yaml"
    with tempfile.TemporaryDirectory(prefix="wa-lint-stdin-") as tmp:
        target = Path(tmp) / name
        target.write_bytes(sys.stdin.buffer.read())
        args.paths = [str(target) if p == "-" else p for p in args.paths]
        args.stdin_source = (target, args.stdin_filename or "-")
        return _report(args)


def _plan(tree: ConfigTree, every: list[RuleMeta], sources: list[Source], *,
          keep_graphs: bool = False) -> tuple[list[RuleMeta], list[RuleMeta], FilterStage]:
    """The rules selected for a run (the union of what the configurations governing its files
    select), the ones it executes, and its filter stage (each file's own policy), for ``report``
    and ``suppressions`` alike."""
    from wa_lint.setup import prepare_run

    governing = {s.display: tree.for_path(s.path) for s in sources}
    in_play = list({id(c): c for c in governing.values()}.values()) or [tree.run]
    selected = sorted({m.id: m for c in in_play for m in tree.selection(c)}.values(), key=lambda m: m.id)
    run, stage = prepare_run(every, selected, tree.policy(tree.run), keep_graphs=keep_graphs,
                             policies={shown: tree.policy(c) for shown, c in governing.items()}, judge_stale=True)
    return selected, run, stage


def _report(args: argparse.Namespace) -> int:
    if "-" in args.paths and not getattr(args, "stdin_source", None):
        return _report_stdin(args)
    from wa_lint.baseline import BaselineError, write_baseline
    from wa_lint.config import ConfigError
    from wa_lint.config_tree import ConfigTree
    from wa_lint.filter.baseline import apply_baseline
    from wa_lint.plugins import PluginError
    from wa_lint.progress import ProgressBar
    from wa_lint.report import GRAPH_FORMATS, Report, render
    from wa_lint.runner import lint_all

    try:
        cache_directory = _cache_directory(args)
        every = _all_rules(cache_directory)
        # severity-min info: every rule when nothing is selected, also those off by default
        tree = ConfigTree(every, explicit=args.config, isolated=args.no_config, select=_csv(args.select),
                          ignore=_csv(args.ignore), everything=args.severity_min == "info",
                          extend_select=_csv(args.extend_select))
        config = tree.run  # fail-on and baseline are the run's; the rest is each file's own
        tree.selection(config)  # an unknown --select or --ignore stops the run before any work
    except (ConfigError, PluginError) as exc:
        print(f"wa-lint: {_line(exc)}", file=sys.stderr)
        return EXIT_ERROR
    sources, missing, skipped = _sources(args, tree)
    formats = {args.format, *(fmt for fmt, _ in args.save)}
    selected, run, stage = _plan(tree, every, sources, keep_graphs=bool(formats & GRAPH_FORMATS))
    # run: the union of the files' selections; each file's policy keeps its own
    cache = None
    if cache_directory is not None:
        from wa_lint.cache import Cache

        cache = Cache.for_run(cache_directory, run)
    with contextlib.ExitStack() as cleanup:
        if args.cdk_synth and any(s.kind == "cdk-app" for s in sources):
            import tempfile

            workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="wa-lint-synth-")))
            sources = _synthesize(sources, workdir)
        jobs = _jobs(args.jobs, len(sources))
        links, link_errors = _link_index(args, sources, cache, defer=jobs > 1)
        progress = ProgressBar(len(sources), enabled=not args.quiet)
        try:
            results = lint_all(sources, run, jobs=jobs, stage=stage, progress=progress, links=links, cache=cache)
        finally:
            progress.close()
        missing = [*missing, *link_errors]  # a deferred index adds its errors while lint_all builds it
    if args.verbose:
        _print_skipped(skipped, results)
    if not missing and not args.skip_non_templates and not any(not r.skipped for r in results):
        passed = len(skipped) + sum(1 for r in results if r.skipped)
        print(f"wa-lint: warning: no template found in {_line(' '.join(args.paths))}"
              f"{f'; {passed} file(s) skipped as not templates (--verbose lists them)' if passed else ''}",
              file=sys.stderr)
    if args.severity_min:
        from wa_lint.filter.severity import drop_below
        from wa_lint.finding import Severity

        drop_below(results, Severity(args.severity_min))
    report = Report(results, selected, usage_errors=missing, show_suppressed=args.show_suppressed)
    targets = [("--output", args.output)] if args.output else []
    targets += [("--save", path) for _, path in args.save]
    targets += [("--write-baseline", args.write_baseline)] if args.write_baseline else []
    refusal = _overwrites_input(targets, sources, results)
    if refusal:
        print(f"wa-lint: {_line(refusal)}", file=sys.stderr)
        return EXIT_ERROR
    try:
        if args.write_baseline:
            count = write_baseline(Path(args.write_baseline), report.findings)
            if not args.quiet:
                print(f"wa-lint: wrote {count} finding(s) to the baseline {args.write_baseline}", file=sys.stderr)
        baseline = _baseline_file(args, config)
        if baseline is not None and not args.write_baseline:
            report.baseline = apply_baseline(results, baseline)
    except BaselineError as exc:
        print(f"wa-lint: {_line(exc)}", file=sys.stderr)
        return EXIT_ERROR
    for error in report.errors:
        print(f"wa-lint: {_line(error)}", file=sys.stderr)
    for warning in dict.fromkeys(w for r in report.files for w in r.warnings):  # not fatal: exit code unchanged
        print(f"wa-lint: warning: {_line(warning)}", file=sys.stderr)
    if args.debug:
        for r in results:
            if r.traceback:
                print(r.traceback, file=sys.stderr)
    color = None if not args.output else False
    _write(render(report, args.format, color=color, quiet=args.quiet), args.output)
    for fmt, path in args.save:
        _write(render(report, fmt, color=False), path)
    if args.write_baseline:
        return EXIT_ERROR if report.errors else EXIT_OK
    return report.exit_code(args.fail_on or config.fail_on or "error")


def cmd_rules(args: argparse.Namespace) -> int:
    from wa_lint.docs import rules_json, rules_markdown_table, rules_text

    render = {"json": rules_json, "markdown": rules_markdown_table, "text": rules_text}[args.format]
    sys.stdout.write(render(_all_rules()))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from wa_lint.docs import explain
    from wa_lint.plugins import find_rule, rule_hint

    every = _all_rules()
    meta = find_rule(every, args.rule)
    if meta is None:
        from wa_lint.coming_from import explain_foreign

        text = explain_foreign(args.rule)
        if text is not None:
            sys.stdout.write(text)
            return EXIT_OK
        print(f"wa-lint: unknown rule {_line(args.rule)!r}{_line(rule_hint(args.rule, every))} (see `wa-lint rules`, "
              "or docs/coming-from.md for other tools' ids)", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(explain(meta))
    return EXIT_OK


def cmd_suppressions(args: argparse.Namespace) -> int:
    """Lint as ``report`` does, recording every suppression the filter stage meets."""
    from wa_lint.config import ConfigError
    from wa_lint.config_tree import ConfigTree
    from wa_lint.plugins import PluginError
    from wa_lint.runner import lint_all
    from wa_lint.suppressions_cmd import RENDER, collect

    try:
        every = _all_rules()
        tree = ConfigTree(every, explicit=args.config, isolated=args.no_config)
        tree.selection(tree.run)  # an unknown selector stops the run before any work
    except (ConfigError, PluginError) as exc:
        print(f"wa-lint: {_line(exc)}", file=sys.stderr)
        return EXIT_ERROR
    sources, missing, _skipped = _sources(args, tree)
    _selected, run, stage = _plan(tree, every, sources)
    links, link_errors = _link_index(args, sources)
    results = lint_all(sources, run, jobs=_jobs(args.jobs, len(sources)), stage=stage, links=links)
    errors = [*missing, *link_errors, *(r.error for r in results if r.error)]
    for error in errors:
        print(f"wa-lint: {_line(error)}", file=sys.stderr)
    review = collect(results)
    _write(RENDER[args.format](review), args.output)
    if errors:
        return EXIT_ERROR
    counts = review.counts()
    return EXIT_FINDINGS if args.fail_on_stale and (counts["stale"] or counts["refused"]) else EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    from wa_lint.discover import discover
    from wa_lint.graph.export import graphs_for, render_graphs

    sources, missing = discover(args.paths)
    refusal = _overwrites_input([("--output", args.output)] if args.output else [], sources)
    if refusal:
        print(f"wa-lint: {_line(refusal)}", file=sys.stderr)
        return EXIT_ERROR
    graphs, errors = graphs_for(sources)
    for error in missing + errors:
        print(f"wa-lint: {_line(error)}", file=sys.stderr)
    _write(render_graphs(graphs, args.format), args.output)
    return EXIT_ERROR if missing or errors else EXIT_OK


def cmd_clean(args: argparse.Namespace) -> int:
    from wa_lint.cache import clean, default_directory
    from wa_lint.config import ConfigError
    from wa_lint.config_tree import ConfigTree

    try:
        directory = default_directory(ConfigTree(explicit=args.config).run.path)
    except ConfigError as exc:
        print(f"wa-lint: {_line(exc)}", file=sys.stderr)
        return EXIT_ERROR
    if clean(directory):
        print(f"wa-lint: removed {_line(directory)}", file=sys.stderr)
    return EXIT_OK


def cfn_lint_rules_dir() -> Path:
    """The directory holding the cfn-lint plugin (no cfn-lint import needed to find it)."""
    return Path(__file__).resolve().parent / "cfnlint_rules"


def cmd_cfn_lint_rules_dir(_args: argparse.Namespace) -> int:
    print(cfn_lint_rules_dir())
    return EXIT_OK


def cmd_server(args: argparse.Namespace) -> int:
    from wa_lint.lsp import main as serve

    return serve(args)


COMMANDS = {"report": cmd_report, "rules": cmd_rules, "explain": cmd_explain, "graph": cmd_graph,
            "cfn-lint-rules-dir": cmd_cfn_lint_rules_dir, "clean": cmd_clean,
            "server": cmd_server, "suppressions": cmd_suppressions}


def _option_named_like_a_file(argv: Sequence[str]) -> str | None:
    """An option token (before any ``--``) that is also the name of an existing file: a file
    committed as ``--output=template.yaml`` and passed by a hook without ``--`` must not act as
    an option. The caller refuses the ambiguous command line."""
    for token in argv:
        if token == "--":
            return None
        if token.startswith("-") and len(token) > 1 and os.path.lexists(token):
            return token
    return None


def main(argv: Sequence[str] | None = None) -> int:
    ambiguous = _option_named_like_a_file(sys.argv[1:] if argv is None else argv)
    if ambiguous is not None:
        print(f"wa-lint: {ambiguous!r} is an option but also names a file; put -- before file names",
              file=sys.stderr)
        return EXIT_ERROR
    parser = build_parser()
    args = parser.parse_args(argv)
    problem = _usage_error(args)
    if problem is not None:
        getattr(args, "parser", parser).error(problem)  # "wa-lint report: error: …", exit 2, as argparse's own
    from wa_lint.fileio import OutputError

    try:
        return COMMANDS[args.command](args)
    except OutputError as exc:  # a report that cannot be written: one line, no traceback
        print(f"wa-lint: {_line(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if getattr(args, "debug", False):
            raise
        print(f"wa-lint: internal error: {type(exc).__name__}: {_line(exc)} (rerun with --debug)", file=sys.stderr)
        return EXIT_ERROR


def run() -> NoReturn:
    """The ``wa-lint`` console script: :func:`main`, then :func:`hard_exit`."""
    hard_exit(main())


def hard_exit(code: int) -> NoReturn:
    """Exit with ``code`` once standard output and error are flushed, skipping the interpreter's
    teardown: freeing every object a run built costs 30–60 ms (a sixth of a one-file run), and a
    finished run has nothing left to release (reports written and closed, workers joined,
    temporary directories removed). mypy exits the same way."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (``| head``) or stream
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
