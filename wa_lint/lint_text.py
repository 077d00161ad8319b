"""Lint a template's text as if it were the file at its path: an editor's unsaved buffer.

The language server (:mod:`wa_lint.lsp`) has the document's text, not the file on disk. Everything
else is as the CLI does it for that file: ``CodeUri``, ``AWS::Include`` and nested-stack paths are
resolved against the real file's directory, the nearest configuration above the file governs it
(:class:`~wa_lint.config_tree.ConfigTree`), and the same filter stage
(:class:`~wa_lint.filter.stage.FilterStage`) applies severity overrides, scoped ignores and inline
suppressions. Like :func:`wa_lint.pipeline.lint_source`, it never raises.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from wa_lint.config import ConfigError
from wa_lint.config_tree import ConfigTree
from wa_lint.discover import Source, clearly_template, has_template_signs
from wa_lint.filter.checks import rule_aliases
from wa_lint.filter.stage import FilterStage
from wa_lint.finding import Finding, RuleMeta
from wa_lint.model import InputError, Stack
from wa_lint.pipeline import FileResult, lint_source, run_rules
from wa_lint.setup import all_rules, prepare_run


class TextLinter:
    """Lints documents and cloud assemblies with the CLI's rules, configuration and filter stage.

    The installed rules are loaded once; configuration files are read afresh on every call
    (an editor changes them while the server runs). ``isolated`` ignores configuration files.
    """

    def __init__(self, rules: list[RuleMeta] | None = None, *, isolated: bool = False) -> None:
        if rules is None:
            rules = all_rules()
        self.rules = rules
        self.by_id = {m.id: m for m in rules}
        self.isolated = isolated
        self._aliases = rule_aliases(rules)

    def _setup(self, path: Path, display: str) -> tuple[list[RuleMeta], FilterStage]:
        """The rules to run on ``path`` and its filter stage, from its nearest configuration."""
        rules, stage, _config = self._setup_with_config(path, display)
        return rules, stage

    def _setup_with_config(self, path: Path, display: str) -> tuple[list[RuleMeta], FilterStage, Path | None]:
        tree = ConfigTree(self.rules, isolated=self.isolated)
        config = tree.for_path(path)
        selected = tree.selection(config)
        rules, stage = prepare_run(self.rules, selected, tree.policy(config), policies={display: tree.policy(config)},
                                   aliases=self._aliases)
        return rules, stage, config.path

    @staticmethod
    def _through_cache(
        source: Source, rules: list[RuleMeta], stage: FilterStage, config_path: Path | None
    ) -> FileResult:
        """Lint ``source`` from disk through the result cache the CLI and the pre-commit hook use
        (``.wa-lint-cache`` beside the governing configuration), unless caching is turned off."""
        from wa_lint.cache import Cache, default_directory, disabled_by_env, lint_cached

        if disabled_by_env():
            return lint_source(source, rules, stage)
        cache = Cache.for_run(default_directory(config_path), rules)
        return lint_cached(cache, cache.key(source, stage), source, rules, stage)

    @staticmethod
    def _saved(text: str, path: Path) -> bool:
        """The buffer is what the file on disk holds (just opened, or saved): the cache can serve it."""
        from wa_lint.fileio import read_bytes

        try:
            return read_bytes(path, path.as_posix()) == text.encode("utf-8", "surrogatepass")
        except InputError:
            return False

    def lint_text(self, text: str, path: Path, root: Path | None = None) -> FileResult:
        """Lint ``text`` as the file ``path`` (absolute); nested templates must lie below ``root``
        (default: the file's directory). Text without the signs of a template is skipped."""
        display = path.as_posix()
        result = FileResult(path=display)
        if not has_template_signs(text.encode("utf-8", "surrogatepass")):
            result.skipped, result.skip_reason = True, "not a CloudFormation template"
            return result
        try:
            rules, stage, config_path = self._setup_with_config(path, display)
            if self._saved(text, path):
                source = Source(path, display, "template", False, root or path.parent)
                return self._through_cache(source, rules, stage, config_path)
            stacks, errors = stacks_from_text(text, path, display, root or path.parent)
            result.errors.extend(str(e) for e in errors)
            if not stacks and not errors:
                result.skipped, result.skip_reason = True, "not a CloudFormation template"
                return result
            result.kind = stacks[0].kind if stacks else None
            result.warnings.extend(dict.fromkeys(w for stack in stacks for w in stack.warnings))
            for stack in stacks:
                _lint_stack(stack, rules, stage, result)
        except ConfigError as exc:
            result.errors.append(str(exc))
        except InputError as exc:
            if clearly_template(text.encode("utf-8", "surrogatepass")):
                result.errors.append(str(exc))
            else:
                result.skipped, result.skip_reason = True, f"does not load and does not look like a template ({exc})"
        except RecursionError:
            result.errors.append(f"{display}: template nests too deeply to analyse")
        except Exception as exc:  # noqa: BLE001  # a bug of ours: the caller (the language server) keeps running
            result.internal_error = f"{display}: internal error: {type(exc).__name__}: {exc}"
            result.traceback = traceback.format_exc()
        result.findings.sort(key=Finding.sort_key)
        return result

    def lint_assembly(self, directory: Path) -> FileResult:
        """Lint a CDK cloud assembly (``cdk.out``) from disk, as the CLI does."""
        display = directory.as_posix()
        try:
            rules, stage, config_path = self._setup_with_config(directory, display)
        except ConfigError as exc:
            return FileResult(path=display, kind="cdk", errors=[str(exc)])
        return self._through_cache(Source(directory, display, "cdk", True, directory), rules, stage, config_path)


def stacks_from_text(text: str, path: Path, display: str, root: Path) -> tuple[list[Stack], list[InputError]]:
    """The stacks ``text`` yields as the template file ``path``: what
    :func:`wa_lint.expand.template.load_template_stacks` does after reading the file."""
    from wa_lint.expand.include import Included, expand_includes, mentions_include
    from wa_lint.expand.template import _Nesting, _Read, _stack, template_problem
    from wa_lint.load import load_text
    from wa_lint.model import DuplicateKey

    duplicates: list[DuplicateKey] = []
    data = load_text(text, display, json_hint=True if path.suffix.lower() == ".json" else None,
                     duplicates=duplicates)
    read = _Read(data, duplicates, [], [])
    if isinstance(data, dict) and mentions_include(text):
        found = Included(root)
        read = _Read(expand_includes(data, path, display, found), duplicates + found.duplicates, found.warnings,
                     found.errors)
    problem = template_problem(read.data)
    if problem is not None:
        raise InputError(display, None, problem)
    stack = _stack(read, path, display, path.stem)
    run = _Nesting(root, display, [stack], list(read.errors))
    run.load_children(stack, depth=1, chain=(path.resolve(),))
    return run.stacks, run.errors


def _lint_stack(stack: Stack, rules: list[RuleMeta], stage: FilterStage, result: FileResult) -> None:
    from wa_lint.filter.masking import mask_findings
    from wa_lint.graph.builders import build_graph
    from wa_lint.secrets import stack_secrets

    result.stacks.append(stack.name)
    result.resources += len(stack.resources)
    graph = build_graph(stack)
    found = run_rules(stack, rules, graph, result)
    before = len(result.suppressed)
    kept = stage(stack, graph, found, result)
    mask_findings([*kept, *(s.finding for s in result.suppressed[before:])], stack_secrets(graph))
    result.findings.extend(kept)
