"""The language server over the protocol: diagnostics after a one-character change, and the archive's index.

    python benchmarks/bench_lsp.py            # 20,000 entries
    python benchmarks/bench_lsp.py --quick    # 1,000 entries

Needs the [lsp] extra. pygls' own client starts ``newsfmt lsp`` on a generated
archive that holds the example entry, opens the example, and changes one
character of its body 60 times, each time timing from the didChange it sends to
the publishDiagnostics it gets (so the figures include the JSON and the pipe:
the server's own time is less). The first changes come while the server builds
the archive's index in the background; the index is ready when find-references
answers, which is polled every 10 ms. Goals: a median under 20 ms, and the index
of 20,000 entries in under 3 s without delaying the diagnostics.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

import newsfmt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from make_archive import generate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "2016-04-20-nato-russia-talks.md"


async def measure(root: Path, changes: int) -> tuple[list[float], list[float], float]:
    entry = newsfmt.read(EXAMPLE)
    path = root / entry.path[1:]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    uri = str(from_fs_path(str(path)))
    client = LanguageClient("newsfmt-bench", "1")
    arrived: dict[int, float] = {}
    ready = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
    def published(params: types.PublishDiagnosticsParams) -> None:
        arrived[params.version or 0] = time.perf_counter()
        ready.set()

    await client.start_io(sys.executable, "-m", "newsfmt", "lsp")
    folder = types.WorkspaceFolder(str(from_fs_path(str(root))), "archive")
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), workspace_folders=[folder])
    )
    started = time.perf_counter()
    client.initialized(types.InitializedParams())
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text)))
    params = types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=True),
        text_document=types.TextDocumentIdentifier(uri),
        position=types.Position(2, 3),
    )

    async def poll() -> float:
        while await client.text_document_references_async(params) is None:
            await asyncio.sleep(0.01)
        return time.perf_counter() - started

    indexing = asyncio.create_task(poll())
    during: list[float] = []
    after: list[float] = []
    body_line = text.split("\n").index(next(line for line in text.split("\n")[4:] if line))
    for version in range(2, changes + 2):
        await asyncio.sleep(0.02)  # an editor's keystrokes come apart
        character = types.Position(body_line, 0)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(character, character if version % 2 == 0 else types.Position(body_line, 1)),
            text="X" if version % 2 == 0 else "",
        )
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version, uri), [change])
        )
        while version not in arrived:
            await asyncio.sleep(0.0005)
        (after if indexing.done() else during).append(arrived[version] - sent)
    index_time = await indexing
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()  # type: ignore[no-untyped-call]
    return during, after, index_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 entries")
    count = 1_000 if parser.parse_args().quick else 20_000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "archive"
        generate(root, count)
        during, after, index_time = asyncio.run(measure(root, 60))
    print(f"{count:,} entries; diagnostics of the example after a one-character change, round trip at the client")
    print("| what | median | max | changes | goal |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, times in (("while the index is built", during), ("after", after)):
        if times:
            median, worst = statistics.median(times) * 1000, max(times) * 1000
            print(f"| diagnostics, {label} | {median:.1f} ms | {worst:.1f} ms | {len(times)} | under 20 ms |")
    print(f"| the index of the archive, in the background | {index_time:.2f} s | | | under 3 s |")


if __name__ == "__main__":
    main()
