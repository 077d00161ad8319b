"""wa_lint.entry_points gives importlib.metadata's answers, or lets importlib.metadata give them."""

from __future__ import annotations

import importlib.metadata
import sys
import zipfile
from pathlib import Path

import pytest

from wa_lint import entry_points
from wa_lint.plugins import ENTRY_POINT_GROUP, pack_names


def _reference(group: str) -> list[str]:
    return [ep.value for ep in importlib.metadata.entry_points(group=group)]


def _dist(site: Path, dirname: str, text: str | None) -> None:
    info = site / dirname
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dirname.split('-')[0]}\nVersion: 1\n")
    if text is not None:
        (info / "entry_points.txt").write_text(text, encoding="utf-8")


def test_every_group_of_this_environment_read_directly() -> None:
    groups = sorted(importlib.metadata.entry_points().groups)
    assert ENTRY_POINT_GROUP in groups
    for group in groups:
        assert entry_points._read(group) == _reference(group), group


def test_built_in_pack_found_through_its_entry_point() -> None:
    assert pack_names()[0] == "wa_lint.rules"


def test_search_order_first_distribution_wins_and_line_syntax(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _dist(first, "My_Pack-1.0.dist-info", "# a comment\n\n[wa_lint.rules]\n  mine =  my_pack.rules \nother=x:y\n"
                                          "[console_scripts]\ntool = my_pack.cli:main\n")
    _dist(second, "my.pack-2.0.dist-info", "[wa_lint.rules]\nshadowed = my_pack_old.rules\n")  # same name: hidden
    _dist(second, "zeta-1.0.dist-info", "[wa_lint.rules]\nz = zeta.rules:pack\n")
    _dist(second, "no_entry_points-1.0.dist-info", None)
    (second / "legacy-1.0.egg-info").write_text("Metadata-Version: 1.0\nName: legacy\n")  # a file, not a directory
    monkeypatch.setattr(sys, "path", [str(first), str(tmp_path / "missing"), str(second)])
    for group in ("wa_lint.rules", "console_scripts", "absent"):
        assert entry_points._read(group) == _reference(group)
    assert entry_points.entry_point_values("wa_lint.rules") == ["my_pack.rules", "x:y", "zeta.rules:pack"]


def test_a_zip_on_the_path_is_left_to_importlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    _dist(site, "plain-1.0.dist-info", "[wa_lint.rules]\nplain = plain.rules\n")
    archive = tmp_path / "dists.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\nVersion: 1\n")
        zf.writestr("zipped-1.0.dist-info/entry_points.txt", "[wa_lint.rules]\nzipped = zipped.rules\n")
    monkeypatch.setattr(sys, "path", [str(site), str(archive)])
    assert entry_points._read("wa_lint.rules") is None
    assert entry_points.entry_point_values("wa_lint.rules") == ["plain.rules", "zipped.rules"] == _reference(
        "wa_lint.rules")


def test_a_malformed_line_elsewhere_does_not_hide_the_packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """importlib.metadata fails the whole lookup on a line without ``=`` in any distribution."""
    site = tmp_path / "site"
    _dist(site, "broken-1.0.dist-info", "[other]\nno equals sign here\n[wa_lint.rules]\nalso broken\n")
    _dist(site, "plain-1.0.dist-info", "[wa_lint.rules]\nplain = plain.rules\n")
    monkeypatch.setattr(sys, "path", [str(site)])
    with pytest.raises(TypeError):
        _reference("wa_lint.rules")
    assert entry_points.entry_point_values("wa_lint.rules") == ["plain.rules"]


def test_normalize_matches_importlib() -> None:
    from importlib.metadata import Prepared  # type: ignore[attr-defined]

    for name in ("My_Pack", "my.pack", "a--b", "-lead", "trail._", "Zope.Interface", "x"):
        assert entry_points._normalize(name) == Prepared.normalize(name)
