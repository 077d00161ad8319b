"""The ``wa-lint-cdk`` pre-commit hook: synthesize the repository's CDK apps and lint them only.

pre-commit runs ``python -m wa_lint.precommit_cdk [args]`` with no file names (``cdk.out`` is
git-ignored, so the hook reacts to the app's code instead). Without directories in ``args`` it
finds every ``cdk.json`` below the working directory as discovery does (``node_modules`` and
virtual environments skipped) and runs ``wa-lint report --cdk-synth [args] -- <app>/cdk.json…``:
templates outside the apps (the ``wa-lint`` hook's job) and Serverless services are left alone.
Directories in ``args`` name the apps instead.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from wa_lint.cli import build_parser, hard_exit
from wa_lint.cli import main as report_main


def cdk_apps() -> list[str]:
    """Each CDK app's ``cdk.json`` below the working directory."""
    from wa_lint.discover import discover_all

    return [str(s.path / "cdk.json") for s in discover_all(["."], cdk_synth=True).sources if s.kind == "cdk-app"]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if build_parser().parse_args(["report", *args]).paths == ["."]:  # no directory named: every app
        apps = cdk_apps()
        if not apps:
            print("wa-lint-cdk: no CDK app (cdk.json) below the repository root: nothing to synthesize")
            return 0
        args = [*(args[:-1] if args[-1:] == ["--"] else args), "--", *apps]
    return report_main(["report", "--cdk-synth", *args])


if __name__ == "__main__":
    hard_exit(main())
