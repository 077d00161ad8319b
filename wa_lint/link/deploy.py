"""What a deployment passes to a stack: its name and its parameter values.

Read from where deployments keep them: ``samconfig.toml`` beside a SAM template (``stack_name``
and ``parameter_overrides`` of one environment: ``default``, which ``sam deploy`` uses without
``--config-env``, or the one ``--config-env NAME`` selects, as SAM CLI does), CloudFormation
parameter files given with ``--parameters [TEMPLATE=]FILE``
(``[{"ParameterKey": …, "ParameterValue": …}]`` or ``{"Parameters": {…}}``) and
``--stack-name TEMPLATE=NAME``. CDK stack names come from the manifest (the loader's stack name).
Bad files are :class:`~wa_lint.model.InputError` naming the file; every read is bounded.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_lint.fileio import read_text
from wa_lint.model import InputError

SAMCONFIG = "samconfig.toml"
SAM_TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
ENVIRONMENT = "default"
MAX_OVERRIDES = 1000


@dataclass(slots=True)
class Deployment:
    """A stack's deployment: ``name`` when known, and parameter values; ``origin`` says where
    they came from (for messages)."""

    name: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    origin: str = ""


@dataclass(slots=True)
class DeployOptions:
    """The command line's part: ``--stack-name TEMPLATE=NAME``, ``--parameters [TEMPLATE=]FILE``
    and ``--config-env NAME`` (the samconfig.toml environment)."""

    stack_names: dict[str, str] = field(default_factory=dict)
    parameter_files: list[tuple[str | None, str]] = field(default_factory=list)
    config_env: str = ENVIRONMENT


def parse_assignment(value: str, option: str) -> tuple[str, str]:
    """``LEFT=RIGHT`` of an option's value, both non-empty; the last ``=`` splits (file names may hold one)."""
    left, sep, right = value.rpartition("=")
    if not sep or not left or not right:
        raise ValueError(f"{option} expects TEMPLATE=VALUE, got {value!r}")
    return left, right


def samconfig(template: Path, display: str, environment: str = ENVIRONMENT) -> Deployment | None:
    """The ``environment`` of the ``samconfig.toml`` beside ``template``, when that file deploys
    this template (its ``template_file``, or a ``template.yaml`` when it names none). Like SAM CLI,
    only that environment's ``global`` and ``deploy`` tables count: an environment the file does
    not have gives nothing (no other environment's values stand in for it)."""
    config = template.parent / SAMCONFIG
    if not config.is_file():
        return None
    shown = str(Path(display).parent / SAMCONFIG) if "/" in display else SAMCONFIG
    import tomllib  # only a run with a samconfig.toml needs the parser

    try:
        data = tomllib.loads(read_text(config, shown))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(shown, None, f"not valid TOML: {exc}") from None
    env = data.get(environment)
    if not isinstance(env, dict):
        return None
    merged: dict[str, Any] = {}
    for command in ("global", "deploy"):
        section = env.get(command)
        params = section.get("parameters") if isinstance(section, dict) else None
        if isinstance(params, dict):
            merged.update(params)
    named = merged.get("template_file") or merged.get("template")
    if isinstance(named, str) and named:
        if (config.parent / named).resolve() != template.resolve():
            return None
    elif template.name not in SAM_TEMPLATE_NAMES:
        return None
    name = merged.get("stack_name")
    overrides = _overrides(merged.get("parameter_overrides"), shown)
    return Deployment(name if isinstance(name, str) and name else None, overrides, shown)


def _overrides(value: Any, shown: str) -> dict[str, str]:
    """``parameter_overrides`` as SAM CLI reads it: ``Key=Value`` pairs in one shell-quoted
    string, or a list of such strings."""
    if value is None:
        return {}
    items: list[str] = []
    try:
        if isinstance(value, str):
            items = shlex.split(value)
        elif isinstance(value, list):
            for entry in value:
                items.extend(shlex.split(str(entry)))
        else:
            raise ValueError("expected a string or a list")
    except ValueError as exc:
        raise InputError(shown, None, f"parameter_overrides cannot be read: {exc}") from None
    out: dict[str, str] = {}
    for item in items[:MAX_OVERRIDES]:
        key, sep, val = item.partition("=")
        if sep and key:
            out[key] = val
    return out


def parameter_file(path: str) -> dict[str, str]:
    """A CloudFormation parameter file in either form, as ``{key: value}``."""
    try:
        data = json.loads(read_text(path, path))
    except json.JSONDecodeError as exc:
        raise InputError(path, exc.lineno, f"not valid JSON: {exc.msg}") from None
    out: dict[str, str] = {}
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        for key, value in data["Parameters"].items():
            out[str(key)] = _text(value, path)
        return out
    if isinstance(data, list):
        for entry in data:
            if not isinstance(entry, dict) or not isinstance(entry.get("ParameterKey"), str):
                raise InputError(path, None, "expected [{ParameterKey, ParameterValue}, …] or {\"Parameters\": {…}}")
            if "ParameterValue" in entry:
                out[entry["ParameterKey"]] = _text(entry["ParameterValue"], path)
        return out
    raise InputError(path, None, "expected [{ParameterKey, ParameterValue}, …] or {\"Parameters\": {…}}")


def _text(value: Any, path: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ",".join(str(v) for v in value)
    raise InputError(path, None, "parameter values must be text, numbers or lists of them")
