"""``--cdk-synth``: build a CDK app's cloud assembly with the app's own ``cdk`` and lint that.

The app is synthesized by its ``cdk.json`` ``app`` command through ``npx cdk synth --output
<temporary directory>``, so the project's own ``cdk.out`` is neither needed nor touched. Findings
are named as if the assembly were in the app's output directory (``app/cdk.out/…``), the same
names a run on an assembly the user synthesized gives, so baselines match either way.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

from wa_lint.build_first import cdk_output_name
from wa_lint.discover import Source, is_cdk_dir
from wa_lint.escape import printable

_ERROR_LINE = re.compile(r"npm error\b|npm ERR!|\w*Error\b|error\b", re.IGNORECASE)
MAX_DETAIL = 300  # characters of cdk's own error shown in the one-line message
CONTEXT_LINES = 6  # of its output, when no line says "error"
#: Keep `cdk` from calling home during a lint: no version check, notices or telemetry.
QUIET_ENV = {"CDK_DISABLE_VERSION_CHECK": "1", "CDK_DISABLE_CLI_TELEMETRY": "true"}


def synth_command(npx: str, output: Path) -> list[str]:
    return [npx, "cdk", "synth", "--output", str(output), "--quiet", "--no-notices"]


def synthesize(app: Source, workdir: Path) -> Source:
    """The cloud assembly of the CDK app ``app`` (a "cdk-app" source), synthesized into
    ``workdir``; on failure the app source again, whose ``problem`` is the one-line reason."""
    npx = shutil.which("npx")
    if npx is None:
        return dataclasses.replace(app, problem="--cdk-synth needs Node.js: `npx` was not found on PATH")
    output = workdir / "assembly"
    env = {**os.environ}
    for key, value in QUIET_ENV.items():
        env.setdefault(key, value)
    try:
        proc = subprocess.run(synth_command(npx, output), cwd=app.path, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, check=False)
    except OSError as exc:
        return dataclasses.replace(app, problem=f"`npx cdk synth` could not start: {exc.strerror or exc}")
    if proc.returncode != 0 or not is_cdk_dir(output):
        detail = _last_line(proc.stderr) or _last_line(proc.stdout)
        status = f"exit {proc.returncode}" if proc.returncode else "no cloud assembly written"
        reason = f"`npx cdk synth` failed ({status})" + (f": {detail}" if detail else "")
        return dataclasses.replace(app, problem=reason)
    display = posixpath.normpath(f"{app.display}/{cdk_output_name(app.path)}")
    return Source(output, printable(display), "cdk", app.explicit, output)


def _last_line(data: bytes) -> str:
    """What says what went wrong, on one line: the first ``Error: …`` line (a Node.js exception, an
    npm or TypeScript error), or else the last few lines joined with `` / `` (npm's workspace
    errors say it over several lines, none of them an error line), shortened and made printable."""
    lines = [line.strip() for line in data.decode("utf-8", errors="replace").splitlines() if line.strip()]
    if not lines:
        return ""
    found = next((x for x in lines if _ERROR_LINE.match(x)), None)
    line = printable(found if found is not None else " / ".join(lines[-CONTEXT_LINES:]))
    return line if len(line) <= MAX_DETAIL else line[: MAX_DETAIL - 1] + "…"
