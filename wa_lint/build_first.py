"""Projects whose templates exist only after a build: CDK apps and Serverless Framework services.

A CDK app's ``cdk.out`` and a service's ``.serverless/`` are usually git-ignored, so a fresh
checkout holds no template at all. Linting it must not pass silently: discovery turns such a
project into a source whose one-line error says what to run, unless the built templates are there.
"""

from __future__ import annotations

import json
from pathlib import Path

from wa_lint.escape import printable

#: The file names that make a directory a Serverless Framework service.
SERVERLESS_FILES = frozenset(
    {"serverless.yml", "serverless.yaml", "serverless.json", "serverless.js", "serverless.cjs",
     "serverless.mjs", "serverless.ts"}
)
SERVERLESS_DIR = ".serverless"
SERVERLESS_UPDATE_STACK = "cloudformation-template-update-stack.json"
SERVERLESS_CREATE_STACK = "cloudformation-template-create-stack.json"  # its deployment bucket only
CDK_DEFAULT_OUTPUT = "cdk.out"


def cdk_output_name(project: Path) -> str:
    """Where ``cdk synth`` writes the app's cloud assembly: ``cdk.json``'s ``output``, else
    ``cdk.out``. An unreadable ``cdk.json`` gets the default: ``cdk`` itself will complain."""
    from wa_lint.fileio import read_text  # bounded, regular files only
    from wa_lint.model import InputError

    try:
        data = json.loads(read_text(project / "cdk.json", "cdk.json", 1024 * 1024))
    except (InputError, ValueError, RecursionError):
        return CDK_DEFAULT_OUTPUT
    output = data.get("output") if isinstance(data, dict) else None
    return output if isinstance(output, str) and output.strip() else CDK_DEFAULT_OUTPUT


def cdk_output_dir(project: Path) -> Path:
    return project / cdk_output_name(project)


def cdk_problem(project: Path) -> str:
    """The one line for a CDK app without its cloud assembly, saying what is there instead: no
    output directory, one without ``manifest.json`` (a synth that failed or was interrupted), and
    a ``cdk.json`` that is not valid JSON (``cdk`` will refuse it too)."""
    name = cdk_output_name(project)
    output = project / name
    found = "has no manifest.json" if output.is_dir() else "not found"
    broken = _cdk_json_error(project)
    why = f"{printable(name)} {found}" + (f"; cdk.json is not valid JSON: {broken}" if broken else "")
    return (f"CDK app without a cloud assembly ({why}): run `cdk synth` in this directory first, or lint "
            "with --cdk-synth")


def _cdk_json_error(project: Path) -> str | None:
    """Why ``cdk.json`` cannot be read as JSON (with its line), or None."""
    from wa_lint.fileio import read_text
    from wa_lint.model import InputError

    try:
        json.loads(read_text(project / "cdk.json", "cdk.json", 1024 * 1024))
    except json.JSONDecodeError as exc:
        return printable(f"line {exc.lineno}: {exc.msg}")
    except (InputError, ValueError, RecursionError) as exc:
        return printable(str(exc))
    return None


def cdk_outside_problem(project: Path) -> str:
    """The one line for a CDK app whose ``cdk.json`` puts its assembly outside the linted directory."""
    name = printable(cdk_output_name(project))
    return (f"the CDK app's cloud assembly ({name}) is outside the linted directory: name it on the "
            "command line, or lint with --cdk-synth")


def serverless_packaged(project: Path) -> list[Path]:
    """The templates ``serverless package`` left for a service: the update-stack template (the
    create-stack one only holds the deployment bucket it also contains), else any other."""
    folder = project / SERVERLESS_DIR
    update = folder / SERVERLESS_UPDATE_STACK
    if update.is_file():
        return [update]
    try:
        return sorted(p for p in folder.glob("cloudformation-template-*.json") if p.is_file())
    except OSError:
        return []


def serverless_problem() -> str:
    """The one line for a Serverless Framework service that was not packaged."""
    return (f"Serverless Framework service without a packaged template "
            f"({SERVERLESS_DIR}/{SERVERLESS_UPDATE_STACK} not found): run `serverless package` "
            "in this directory first")
