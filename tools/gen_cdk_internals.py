"""Regenerate ``wa_lint/data/cdk_internals.json`` from an unpacked aws-cdk-lib package.

Usage: ``python tools/gen_cdk_internals.py <dir with package.json of aws-cdk-lib> [out.json]``
(``make cdk-internals`` fetches the package with ``npm pack`` first).

CDK adds framework constructs whose code and permissions the user cannot change. They are found
by the construct ids aws-cdk-lib gives them, read from its compiled ``.js`` sources:

- ``SingletonFunction`` uses: construct id ``(lambdaPurpose or "SingletonLambda") + uuid`` with
  non-alphanumerics removed (a suffix may follow: BucketDeployment appends memory/VPC ids);
- ``CustomResourceProvider`` subclasses' ``getOrCreate(scope, id)``: construct id
  ``<id>CustomResourceProvider`` at the stack root;
- fixed stack-level singleton ids: a name with a 32-hex GUID (``LogRetention…``) or a
  ``uid = "@aws-cdk/…"`` (EKS nested stacks; ``/`` becomes ``--`` in construct ids);
- the ``custom-resources`` Provider framework's own children (``framework-onEvent``,
  ``waiter-state-machine``…);
- layers aws-cdk-lib adds to its own handlers (``AwsCliLayer``) and generated handler functions
  created under a distinctive fixed id (``CDKPipelinesAutoApprove``).

Only the standard library is used, so the tool runs anywhere; patterns are regexes matched in full
against one construct-path component (``component``) or searched in a logical id (``logical_id``,
used when a resource has no construct path).
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

UUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
IDENT = r"[A-Za-z_$][\w$]*"
ASSIGN = re.compile(rf"\b({IDENT})\s*=\s*\"([^\"\\]*)\"")
GUID_ID = re.compile(r"\"([A-Za-z][A-Za-z:]*[0-9a-f]{32})\"")
UID = re.compile(r"\buid\s*=\s*(\"[^\"\\]*\"|`[^`\\]*`)")
PROVIDER_CLASS = re.compile(rf"\bclass\s+({IDENT})\s+extends\s+[\w$.()]*\bCustomResourceProvider(?:Base)?\b")
GET_OR_CREATE = re.compile(rf"\b({IDENT})\.getOrCreate(?:Provider)?\(\s*[\w$.()]+\s*,\s*(\"[^\"\\]*\"|[\w$.]+)")
PURPOSE = re.compile(r"\blambdaPurpose\s*[:=]\s*(\"[^\"\\]*\"|[\w$.]+)")
KEBAB_CHILD = re.compile(r"\(this,\s*\"([a-z]+(?:-[a-z]+)+)\"")
TEMPLATED_CHILD = re.compile(r"\(this,\s*`([A-Za-z-]*)\$\{\w+\}`")
CREATE_FUNCTION = re.compile(r"\bcreateFunction\(\s*([\w$.()]+?)\s*,")
LAYER = re.compile(r"\blambda_layer_\w+(?:\(\))?\)?\.(\w+)\(this,\s*\"([^\"\\]+)\"\)")
HANDLER_CLASS = re.compile(rf"\bclass\s+({IDENT})\s+extends\s+lambda\.Function\b")
HANDLER_NEW = re.compile(rf"\.({IDENT})\((?:this|scope|stack),\s*\"([^\"\\]+)\"")
CHILD_ID = re.compile(r"\((?:this|scope|stack),\s*\"([^\"\\]+)\"")
PROVIDER_FRAMEWORK_DIR = "custom-resources/lib/provider-framework/"


def alnum(text: str) -> str:
    """What CDK keeps of a construct id in a logical id."""
    return re.sub(r"[^A-Za-z0-9]", "", text)


def construct_id(text: str) -> str:
    """CDK replaces ``/`` in construct ids with ``--``."""
    return text.replace("/", "--")


def sources(package: Path) -> dict[str, str]:
    """The library's compiled modules (not bundled handler code or dependencies), by relative path."""
    found = {}
    for path in sorted(package.rglob("*.js")):
        rel = path.relative_to(package).as_posix()
        if "node_modules/" in rel or re.search(r"-handler/", rel) or rel.endswith(".min.js"):
            continue
        found[rel] = path.read_text(encoding="utf-8", errors="replace")
    return found


class Constants:
    """String constants assigned anywhere (``X="Custom::…"``), to resolve identifiers: the same
    file first, then the whole library when the name has one value there."""

    def __init__(self, files: dict[str, str]) -> None:
        self.local: dict[str, dict[str, set[str]]] = {}
        self.every: dict[str, set[str]] = defaultdict(set)
        for rel, text in files.items():
            here: dict[str, set[str]] = defaultdict(set)
            for name, value in ASSIGN.findall(text):
                here[name].add(value)
                self.every[name].add(value)
            self.local[rel] = here

    def resolve(self, rel: str, expr: str, text: str = "", at: int = -1) -> str | None:
        """``expr`` as a string: a literal, the nearest assignment before ``at`` in ``text``, or
        the one value the name has in the file or the library."""
        if expr.startswith('"'):
            return expr[1:-1]
        name = re.sub(r"\(\)", "", expr).split(".")[-1]
        if at >= 0:
            before = [v for m in ASSIGN.finditer(text, 0, at) if m.group(1) == name for v in [m.group(2)]]
            if before:
                return before[-1]
        for table in (self.local[rel], self.every):
            values = table.get(name, set())
            if len(values) == 1:
                return next(iter(values))
            if values:
                return None
        return None


def module(rel: str) -> str:
    return rel.split("/")[0]


def entry(family: str, what: str, component: str, logical_id: str | None, source: str) -> dict[str, Any]:
    return {"family": family, "what": what, "component": component, "logical_id": logical_id, "source": source}


def singleton_functions(files: dict[str, str], consts: Constants) -> list[dict[str, Any]]:
    """Every file that creates a ``SingletonFunction``: its uuids with its purposes (or the default)."""
    out = []
    for rel, text in files.items():
        if not re.search(r"SingletonFunction\(", text) or "/aws-lambda/lib/singleton-lambda" in f"/{rel}":
            continue
        uuids = sorted({alnum(u) for u in re.findall(rf"\"({UUID})\"", text)})
        if not uuids:
            continue
        purposes = sorted({p for e in PURPOSE.findall(text) if (p := consts.resolve(rel, e))}) or ["SingletonLambda"]
        guids = "|".join(uuids)
        names = "|".join(re.escape(p) for p in purposes)
        logical = "|".join(re.escape(alnum(p)) for p in purposes)
        out.append(entry("singleton-function", f"{module(rel)} SingletonFunction",
                         rf"(?:{names})(?:{guids})[A-Za-z0-9]*", rf"^(?:{logical})(?:{guids})", rel))
    return out


def custom_resource_providers(files: dict[str, str], consts: Constants) -> tuple[list[dict[str, Any]], list[str]]:
    """``getOrCreate(scope, id)`` of core ``CustomResourceProvider`` classes, with resolvable ids."""
    classes = {"CustomResourceProvider"}
    for text in files.values():
        classes.update(PROVIDER_CLASS.findall(text))
    out, unresolved = [], []
    seen: set[str] = set()
    for rel, text in files.items():
        for m in GET_OR_CREATE.finditer(text):
            cls, arg = m.groups()
            # getOrCreateProvider is the base class's API, whatever name the class is imported as
            if cls not in classes and "getOrCreateProvider(" not in m.group(0):
                continue
            value = consts.resolve(rel, arg, text, m.start())
            if value is None:
                if cls != "this":  # the base classes' own plumbing
                    unresolved.append(f"{rel}: {cls}.getOrCreate(…, {arg})")
                continue
            component = construct_id(value) + "CustomResourceProvider"
            if component in seen:
                continue
            seen.add(component)
            out.append(entry("custom-resource-provider", f"{module(rel)} {cls}", re.escape(component),
                             "^" + re.escape(alnum(component)), rel))
    return out, unresolved


def stack_singletons(files: dict[str, str]) -> list[dict[str, Any]]:
    """Fixed ids of stack-level singletons: GUID-suffixed names and ``uid = "@aws-cdk/…"``."""
    out = []
    seen: set[str] = set()
    for rel, text in files.items():
        for name in GUID_ID.findall(text):
            if name not in seen:
                seen.add(name)
                out.append(entry("stack-singleton", f"{module(rel)} singleton", re.escape(name),
                                 "^" + re.escape(alnum(name)), rel))
        for raw in UID.findall(text):
            value = raw[1:-1]
            if raw.startswith('"') and not value.startswith("@aws-cdk/"):
                continue
            parts = re.split(r"\$\{[^}]*\}", construct_id(value))
            if raw.startswith("`") and (len(parts) < 2 or not any(parts)):
                continue
            component = "[A-Za-z0-9]+".join(re.escape(p) for p in parts)
            if component in seen:
                continue
            seen.add(component)
            logical = "^" + re.escape(alnum(value)) if len(parts) == 1 else None
            out.append(entry("stack-singleton", f"{module(rel)} singleton", component, logical, rel))
    return out


def provider_framework(files: dict[str, str], consts: Constants) -> list[dict[str, Any]]:
    """The Provider framework's own functions and state machine (under the user's Provider)."""
    out: list[dict[str, Any]] = []
    for rel, text in files.items():
        if not rel.startswith(PROVIDER_FRAMEWORK_DIR):
            continue
        ids = set(KEBAB_CHILD.findall(text))
        for prefix in TEMPLATED_CHILD.findall(text):
            for arg in CREATE_FUNCTION.findall(text):
                value = consts.resolve(rel, arg)
                if value is not None:
                    ids.add(prefix + value)
        out.extend(entry("provider-framework", "custom-resources Provider framework", re.escape(i),
                         re.escape(alnum(i)), rel) for i in sorted(ids))
    return out


def handler_layers(files: dict[str, str]) -> list[dict[str, Any]]:
    """Layers aws-cdk-lib attaches to its own handlers, by the construct id it gives them."""
    seen: dict[str, str] = {}
    for rel, text in files.items():
        for _cls, cid in LAYER.findall(text):
            seen.setdefault(cid, rel)
    return [entry("handler-layer", f"{module(rel)} handler layer", re.escape(cid),
                  re.escape(alnum(cid)) + r"[0-9A-F]{8}$", rel) for cid, rel in sorted(seen.items())]


def handler_functions(files: dict[str, str]) -> list[dict[str, Any]]:
    """Generated handler functions (``lambda.Function`` subclasses) created under a fixed id.

    Only ids that are distinctive are kept: used once as a construct id in the library and
    naming CDK or long (``CDKPipelinesAutoApprove``, ``CertificateRequestorFunction``). Generic ids
    (``Handler``, ``OnEventHandler``) would match user constructs; those handlers sit under a
    stack singleton (EKS, DynamoDB replica providers) that covers them anyway.
    """
    classes = {c for text in files.values() for c in HANDLER_CLASS.findall(text)}
    uses: dict[str, int] = defaultdict(int)
    for text in files.values():
        for cid in CHILD_ID.findall(text):
            uses[cid] += 1
    seen: dict[str, str] = {}
    for rel, text in files.items():
        for cls, cid in HANDLER_NEW.findall(text):
            if cls in classes and uses[cid] == 1 and ("CDK" in cid or len(cid) >= 20):
                seen.setdefault(cid, rel)
    return [entry("handler-function", f"{module(rel)} handler function", re.escape(cid),
                  "^" + re.escape(alnum(cid)), rel) for cid, rel in sorted(seen.items())]


def generate(package: Path) -> tuple[dict[str, Any], list[str]]:
    """The data file's content and what could not be resolved (for the maintainer to look at)."""
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    files = sources(package)
    consts = Constants(files)
    providers, unresolved = custom_resource_providers(files, consts)
    entries = [*singleton_functions(files, consts), *providers, *stack_singletons(files),
               *provider_framework(files, consts), *handler_layers(files), *handler_functions(files)]
    for e in entries:
        re.compile(e["component"])
        if e["logical_id"] is not None:
            re.compile(e["logical_id"])
    entries.sort(key=lambda e: (e["family"], e["source"], e["component"]))
    data = {
        "generated_by": "tools/gen_cdk_internals.py",
        "package": meta.get("name"),
        "version": meta.get("version"),
        "entries": entries,
    }
    return data, unresolved


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    data, unresolved = generate(Path(argv[1]))
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    if len(argv) == 3:
        Path(argv[2]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    for line in unresolved:
        print(f"unresolved provider id: {line}", file=sys.stderr)
    print(f"{len(data['entries'])} entries from {data['package']} {data['version']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
