"""The HTML report in a real browser: headless Chromium loads it without console errors, a
finding's resources are highlighted, and a screenshot is kept as a test artifact
(``build/test-artifacts/html-report.png``).

Chromium is Debian's package. pytest installs nothing: ``make test`` (``.ci/install-chromium``)
installs it beforehand when it is missing and it can (root, apt-get). Without it the browser tests
skip, saying why, and fail when ``CI`` is set.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, missing
from tests.test_formats import SECRET, synthetic_report
from wa_lint.cli import main
from wa_lint.report import render

ARTIFACTS = ROOT / "build" / "test-artifacts"
CFN = "fixtures/WA101/bad/s3-notification.yaml"
SAM = "fixtures/WA101/bad/sam-sns-event.yaml"
CDK = "fixtures/WA101/bad/cdk-sns-app"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="session")
def chromium() -> str:
    found = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    if found is None:
        missing("Chromium is not installed: `make test` installs Debian's chromium when run as root with apt-get")
    return found


def browse(chromium: str, page: Path, profile: Path, *args: str, fragment: str = "") -> tuple[str, list[str]]:
    """Load ``page`` in headless Chromium; returns stdout and the page's console messages."""
    proc = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri() + fragment],
        capture_output=True, text=True, timeout=120, check=False,
    )
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, console


@pytest.fixture(scope="module")
def real_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    code = main(["report", CFN, SAM, CDK, "--select", "WA101", "--no-config", "--format", "html",
                 "-o", str(out), "--fail-on", "never"])
    assert code == 0
    return out


def test_page_is_self_contained(real_page: Path) -> None:
    text = real_page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in text
    assert "default-src 'none'" in text
    assert not re.search(r"<(link|img|iframe)\b", text)
    assert not re.search(r"\ssrc=", text)
    assert text.count('class="finding ') == 3
    assert text.count("<svg class=\"arch\"") == 3
    assert 'data-id="ProcessUpload"' in text
    assert 'class="node flagged error"' in text


def test_page_masks_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = render(synthetic_report(tmp_path, monkeypatch, show_suppressed=True), "html")
    assert SECRET not in text
    assert "DB_PASSWORD: ********" in text
    assert "&lt;b&gt;" in text
    assert "<b>" not in text.split("<body>", 1)[1].replace("<b>Fix:</b>", "")


@pytest.mark.browser
def test_page_renders_in_chromium_without_console_errors(chromium: str, real_page: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "html-report.png"
    shot.unlink(missing_ok=True)
    _, console = browse(chromium, real_page, tmp_path / "profile-shot", f"--screenshot={shot}",
                        "--window-size=1400,1000")
    assert console == []
    assert shot.is_file()
    assert shot.stat().st_size > 10_000


@pytest.mark.browser
def test_clicking_a_finding_highlights_its_resources(chromium: str, real_page: Path, tmp_path: Path) -> None:
    dom, console = browse(chromium, real_page, tmp_path / "profile-dom", "--dump-dom", fragment="#f-1")
    assert console == []
    assert 'data-ready="true"' in dom
    assert 'data-selected="f-1"' in dom
    card = re.search(r'<article class="finding error active" id="f-1"[^>]*data-resources="([^"]*)"', dom)
    assert card, "the linked finding is selected"
    figure = dom.split('<details class="graph" data-stack="fixtures/WA101/bad/s3-notification.yaml#s3-notification"')[1]
    figure = figure.split("</details>")[0]
    selected = re.findall(r'<g class="node[^"]*selected" data-id="([^"]+)"', figure)
    assert sorted(selected) == ["ProcessUpload", "UploadsBucket"]
    assert '<svg class="arch dim"' in figure
    assert re.search(r'<path class="edge kind-invokes selected" data-from="UploadsBucket" data-to="ProcessUpload"',
                     figure)
