"""Latency of `wa-lint server`: from a change of a SAM template to its diagnostics, as an editor sees it.

A scripted LSP client (pygls) starts the server over stdio, opens the template, then makes ``--changes``
edits one after another (each waits for its diagnostics; edits alternate a function's timeout, so the
template really changes) and reports the median and 90th percentile, debounce included. Not a test:
wall-clock figures vary with load; the target (300 ms on the 2-core machine) is printed as a ratio.

    .venv/bin/python bench/lsp_latency.py [TEMPLATE] [--changes 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

TARGET_S = 0.300
HERE = Path(__file__).resolve().parent


async def measure(template: Path, changes: int) -> tuple[float, list[float]]:
    client = LanguageClient("wa-lint-bench", "1")
    published: asyncio.Queue[float] = asyncio.Queue()
    last: list[types.Diagnostic] = []
    uri = template.resolve().as_uri()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        if params.uri == uri:
            last[:] = params.diagnostics
            published.put_nowait(time.perf_counter())

    await client.start_io(sys.executable, "-m", "wa_lint.cli", "server")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    text = template.read_text()
    start = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
    first = await asyncio.wait_for(published.get(), 120) - start  # rules and translator load once
    latencies = []
    for n in range(changes):
        edited = text.replace("Timeout: 10", f"Timeout: {11 + n % 2}") if "Timeout: 10" in text else text + f"# {n}\n"
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=n + 2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited)]))
        latencies.append(await asyncio.wait_for(published.get(), 120) - sent)
    rules = sorted({str(d.code) for d in last if d.code})
    plain = len(last) - sum(bool(d.code) for d in last)
    print(f"last diagnostics: {len(last)} ({', '.join(rules)}; {plain} without a rule)")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return first, latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", nargs="?", default=str(HERE / "small-sam.yaml"))
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    first, latencies = asyncio.run(measure(Path(args.template), args.changes))
    median = statistics.median(latencies)
    p90 = statistics.quantiles(latencies, n=10)[-1] if len(latencies) >= 2 else median
    print(f"template: {args.template}")
    print(f"first diagnostics after open (server cold: rules, translator): {first * 1000:.0f} ms")
    print(f"change -> diagnostics over {len(latencies)} changes (150 ms debounce included): "
          f"median {median * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms")
    verdict = "met" if p90 <= TARGET_S else "NOT met"
    print(f"target {TARGET_S * 1000:.0f} ms: {TARGET_S / median:.1f}x the median ({verdict} at p90)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
