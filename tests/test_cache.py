"""The result cache (``wa_lint.cache``): a re-run reads stored results, and any change to what a
result was made from (the file, an included file, a nested template, handler code, a linked stack,
the configuration, wa-lint's version) lints that file again; corrupt entries and concurrent writers
never produce a wrong report."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import wa_lint
import wa_lint.pipeline
from wa_lint.cache import CACHE_DIR_NAME
from wa_lint.cli import main

APP = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        Tick:
          Type: Schedule
          Properties:
            Schedule: rate(5 minutes)
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: child.yaml
  Queue:
    Fn::Transform:
      Name: AWS::Include
      Parameters:
        Location: parts/queue.yaml
"""
CHILD = """\
Resources:
  Topic:
    Type: AWS::SNS::Topic
"""
QUEUE = """\
Type: AWS::SQS::Queue
Properties:
  VisibilityTimeout: 60
"""
HANDLER = """\
import boto3

def handler(event, context):
    boto3.client("s3").list_buckets()
"""
PRODUCER = """\
Resources:
  Jobs:
    Type: AWS::SQS::Queue
Outputs:
  JobsArn:
    Value: !GetAtt Jobs.Arn
    Export:
      Name: jobs-queue-arn
"""
CONSUMER = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code:
        ZipFile: "def handler(e, c): pass"
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Fn
      EventSourceArn: !ImportValue jobs-queue-arn
"""


SOURCES = {"app/template.yaml", "app/child.yaml", "stacks/producer.yaml",
           "stacks/consumer.yaml"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project in a tmp dir, run from there, with the cache switched on (conftest turns it off)."""
    files = {"app/template.yaml": APP, "app/child.yaml": CHILD, "app/parts/queue.yaml": QUEUE,
             "app/src/app.py": HANDLER, "stacks/producer.yaml": PRODUCER, "stacks/consumer.yaml": CONSUMER,
             ".wa-lint.yaml": "fail-on: never\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WA_LINT_NO_CACHE", raising=False)
    return tmp_path


@pytest.fixture
def linted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Which sources the pipeline really linted (by display path), counted."""
    seen: Counter[str] = Counter()
    real = wa_lint.pipeline.lint_source

    def counting(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen[source.display] += 1
        return real(source, *args, **kwargs)

    monkeypatch.setattr(wa_lint.pipeline, "lint_source", counting)
    return seen


def report(*extra: str, fmt: str = "json") -> str:
    out = Path(f"out.{fmt}")
    code = main(["report", "--format", fmt, "-o", str(out), "-q", *extra])
    assert code in (0, 1, 2)  # 2: a test's missing include
    text = out.read_text(encoding="utf-8")
    out.unlink()
    return text


def fresh(fmt: str = "json") -> str:
    return report("--no-cache", fmt=fmt)


def entries(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR_NAME).rglob("*.bin"))


def test_second_run_reads_every_result_from_the_cache(project: Path, linted: Counter[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    first = report()
    assert set(linted) == SOURCES
    assert (project / CACHE_DIR_NAME / "CACHEDIR.TAG").is_file()
    assert (project / CACHE_DIR_NAME / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"

    def no_lint(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("linted although cached")

    monkeypatch.setattr(wa_lint.pipeline, "lint_source", no_lint)
    assert report() == first


def test_hit_does_not_import_the_sam_translator(project: Path) -> None:
    code = ("import sys; from wa_lint.cli import main; main(['report', '-q', '--format', 'json', '-o', 'o.json']); "
            "print(any(m.startswith('samtranslator') for m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if k != "WA_LINT_NO_CACHE"}
    runs = [subprocess.run([sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True,
                           check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]  # the first run translated SAM, the second read the results


@pytest.mark.parametrize("fmt", ["json", "sarif", "text", "markdown", "html", "junit", "github"])
@pytest.mark.usefixtures("project")
def test_cached_output_is_byte_identical_to_a_fresh_run(fmt: str) -> None:
    report(fmt=fmt)
    assert report(fmt=fmt) == fresh(fmt)


@pytest.mark.parametrize(("changed", "relinted"), [
    ("app/template.yaml", {"app/template.yaml"}),
    ("app/parts/queue.yaml", {"app/template.yaml"}),  # an included file
    ("app/child.yaml", {"app/template.yaml", "app/child.yaml"}),  # a nested template, also linted alone
    ("app/src/app.py", {"app/template.yaml"}),  # handler code
    ("stacks/producer.yaml", {"stacks/producer.yaml", "stacks/consumer.yaml"}),  # a linked stack
])
@pytest.mark.parametrize("jobs", ["1", "2"])  # 2: the link index is built after the other files' lookups
def test_a_changed_input_relints_exactly_what_depends_on_it(project: Path, linted: Counter[str], changed: str,
                                                           relinted: set[str], jobs: str) -> None:
    report("--jobs", jobs)
    linted.clear()
    path = project / changed
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = report("--jobs", jobs)
    assert set(linted) == relinted  # four sources: with --jobs 2 too, all are linted in this process
    assert after == fresh()


def test_editing_a_template_that_cannot_link_keeps_the_link_index(project: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The link index is built from the text pass's candidates only: editing a template that neither
    imports nor exports keeps it (a re-run does not load the linked stacks again); making one a
    candidate rebuilds it."""
    import wa_lint.link.index

    builds: list[int] = []
    real = wa_lint.link.index.build_index

    def counting(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(wa_lint.link.index, "build_index", counting)
    monkeypatch.setattr("wa_lint.cli.build_index", counting, raising=False)
    first = report()
    assert builds == [1]
    path = project / "app/child.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert report() == first
    assert builds == [1]  # the index came from the cache
    path.write_text(path.read_text(encoding="utf-8").replace("Resources:", "Resources:  # ImportValue", 1),
                    encoding="utf-8")
    report()
    assert builds == [1, 1]  # now a candidate: the index is built again


def test_same_size_and_mtime_edit_is_still_seen(project: Path, linted: Counter[str]) -> None:
    """A file rewritten within the same mtime tick: recent files are hashed, never trusted by stat."""
    report()
    path = project / "app/parts/queue.yaml"
    st = path.stat()
    path.write_text(QUEUE.replace("60", "90"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    linted.clear()
    report()
    assert set(linted) == {"app/template.yaml"}


def test_a_same_size_file_with_its_mtime_set_back_is_seen(project: Path, linted: Counter[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit of the same size whose mtime is set back (``touch -r``, ``cp -p``, a tar) moves the
    file's ctime, which stat is trusted only without; here the entries count as old at once."""
    import wa_lint.cache

    monkeypatch.setattr(wa_lint.cache, "RACY_NS", 0)
    path = project / "app/parts/queue.yaml"
    old = path.stat()
    report()
    path.write_text(QUEUE.replace("60", "90"), encoding="utf-8")  # same size
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    linted.clear()
    got = report()
    assert set(linted) == {"app/template.yaml"}
    assert got == fresh()


def test_a_file_refused_as_too_large_is_read_once_it_shrinks(project: Path, linted: Counter[str]) -> None:
    """A handler too large to read (256 KiB) is recorded by its stat, never read: shrunk, it is read."""
    handler = project / "app/src/app.py"
    handler.write_text(HANDLER + "#" * (300 * 1024) + "\n", encoding="utf-8")
    before = report()
    handler.write_text(HANDLER, encoding="utf-8")
    linted.clear()
    after = report()
    assert set(linted) == {"app/template.yaml"}  # read again, not served from the cache
    assert after == fresh()
    assert before  # (this project's findings do not depend on that handler's calls)


def test_every_file_of_a_rule_pack_stamps_the_key() -> None:
    """A rule's helpers (``rules/cost/_fixes.py``) are code the results depend on, not only its module."""
    from wa_lint.cache import pack_files

    files = {Path(f).name for f in pack_files("wa_lint.rules")}
    assert {"_fixes.py", "wa401_api_lambda_glue.py", "__init__.py"} <= files


def test_a_file_that_appears_later_is_seen(project: Path, linted: Counter[str]) -> None:
    (project / "app/parts/queue.yaml").unlink()
    missing = report()
    assert "has no Type" in missing  # the included resource is missing
    (project / "app/parts/queue.yaml").write_text(QUEUE, encoding="utf-8")
    linted.clear()
    found = report()
    assert "app/template.yaml" in linted
    assert "has no Type" not in found
    assert found == fresh()


def test_config_change_is_a_miss(project: Path, linted: Counter[str]) -> None:
    report()
    linted.clear()
    (project / ".wa-lint.yaml").write_text("fail-on: never\nignore: [WA104]\n", encoding="utf-8")
    after = report()
    assert set(linted) >= {"app/template.yaml"}
    assert after == fresh()


@pytest.mark.usefixtures("project")
def test_version_change_is_a_miss(linted: Counter[str], monkeypatch: pytest.MonkeyPatch) -> None:
    report()
    linted.clear()
    monkeypatch.setattr(wa_lint, "__version__", wa_lint.__version__ + ".post1")
    report()
    assert set(linted) == SOURCES


@pytest.mark.usefixtures("project")
def test_options_that_change_results_are_part_of_the_key(linted: Counter[str]) -> None:
    report()
    linted.clear()
    report(fmt="markdown")  # keeps graph summaries: another entry
    assert set(linted) == SOURCES
    linted.clear()
    report("--select", "WA104")
    assert set(linted) == SOURCES


def test_corrupt_and_foreign_entries_are_ignored_and_replaced(project: Path, linted: Counter[str]) -> None:
    expected = report()
    stored = entries(project)
    assert stored
    for n, entry in enumerate(stored):
        data = entry.read_bytes()
        broken = [b"", b"garbage", data[: len(data) // 2], data.replace(b"wa-lint-cache", b"other-cache")]
        entry.write_bytes(broken[n % 4])
    linted.clear()
    assert report() == expected
    assert linted
    linted.clear()
    assert report() == expected
    assert not linted  # replaced by valid entries


class _Runs:
    """Unpickled, it runs a shell command: what a hostile ``.wa-lint-cache`` in a pull request holds."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


def test_entries_another_hand_wrote_are_never_trusted_or_run(project: Path, linted: Counter[str],
                                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    """An entry is sealed with this user's key (kept outside the tree): a committed one, an edited
    one, or one with a forged header is a miss, and nothing in it runs; even a correctly sealed
    entry may only build result types."""
    import pickle

    from wa_lint import cache_seal

    expected = report()
    stored = entries(project)
    marker = tmp_path_factory.mktemp("pwn") / "ran"
    evil = pickle.dumps(_Runs(marker))
    for n, entry in enumerate(stored):
        data = entry.read_bytes()
        head = data[: data.index(b"\n", data.index(b"\n") + 1) + 1]  # magic line and key line
        forged = [head + evil,  # no seal at all
                  head + b"\0" * cache_seal.MAC_BYTES + evil,  # a made-up seal
                  data.replace(b"plain HTTP", b"plain HTTQ") if b"plain HTTP" in data else data[:-1] + b"x"]  # edited
        entry.write_bytes(forged[n % 3])
    linted.clear()
    assert report() == expected
    assert linted  # every entry was a miss
    assert not marker.exists()
    # sealed with the right key, the payload still may not name a function
    header = b"h\n"
    sealed = cache_seal.seal(header, evil)
    assert sealed is not None
    payload = cache_seal.unseal(header, sealed)
    assert payload == evil
    with pytest.raises(pickle.UnpicklingError, match=r"(posix|os)\.system"):
        cache_seal.loads(payload)
    assert not marker.exists()


def test_no_cache_neither_reads_nor_writes(project: Path, linted: Counter[str]) -> None:
    fresh()
    fresh()
    assert not (project / CACHE_DIR_NAME).exists()
    assert all(n == 2 for n in linted.values())


def test_clean_removes_only_our_cache(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report()
    assert main(["clean"]) == 0
    assert not (project / CACHE_DIR_NAME).exists()
    assert "removed" in capsys.readouterr().err
    assert main(["clean"]) == 0  # nothing to remove
    (project / CACHE_DIR_NAME).mkdir()
    (project / CACHE_DIR_NAME / "keep").write_text("not ours", encoding="utf-8")
    assert main(["clean"]) == 0
    assert (project / CACHE_DIR_NAME / "keep").is_file()


def test_two_processes_writing_at_once(project: Path) -> None:
    for n in range(12):
        (project / f"many/t{n}.yaml").parent.mkdir(exist_ok=True)
        (project / f"many/t{n}.yaml").write_text(PRODUCER.replace("jobs-queue-arn", f"q{n}"), encoding="utf-8")
    expected = fresh()
    env = {k: v for k, v in os.environ.items() if k != "WA_LINT_NO_CACHE"}
    cmd = [sys.executable, "-m", "wa_lint.cli", "report", "-q", "--format", "json", "--jobs", "2", "-o"]
    runs = [subprocess.Popen([*cmd, f"o{n}.json"], cwd=project, env=env) for n in range(2)]
    assert [p.wait(timeout=300) for p in runs] in ([0, 0], [1, 1])
    for n in range(2):
        assert (project / f"o{n}.json").read_text(encoding="utf-8") == expected
    assert report() == expected
    assert not list((project / CACHE_DIR_NAME).rglob(".tmp-*"))  # no temporary file left behind


def test_cache_dir_from_the_environment(project: Path, tmp_path_factory: pytest.TempPathFactory,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path_factory.mktemp("cache") / "c"
    monkeypatch.setenv("WA_LINT_CACHE_DIR", str(elsewhere))
    report()
    assert not (project / CACHE_DIR_NAME).exists()
    assert list(elsewhere.rglob("*.bin"))
