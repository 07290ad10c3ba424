"""newsfmt lsp over the real protocol: pygls' own client drives ``python -m newsfmt lsp`` in a subprocess."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import newsfmt
from newsfmt import serialize
from newsfmt import strategies as s

from .test_cli import A_PATH, B_PATH, A, B, archive

pytest.importorskip("pygls", reason='newsfmt lsp needs pygls 2 and lsprotocol: pip install -e ".[lsp]"')
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

T = TypeVar("T")
EXAMPLE = (Path(__file__).parent / "data" / "2016-04-20-nato-russia-talks.md").read_text(encoding="utf-8")


def uri(path: Path) -> str:
    found = from_fs_path(str(path))
    assert found is not None
    return str(found)


class Editor:
    """A client that opens documents and waits for the diagnostics of each version."""

    def __init__(self) -> None:
        self.client = LanguageClient("newsfmt-tests", "1")
        self.diagnostics: dict[tuple[str, int | None], list[types.Diagnostic]] = {}
        self.arrived = asyncio.Condition()
        self.logged: list[str] = []

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def published(params: types.PublishDiagnosticsParams) -> None:
            async with self.arrived:
                self.diagnostics[params.uri, params.version] = list(params.diagnostics)
                self.arrived.notify_all()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def logged(params: types.LogMessageParams) -> None:
            self.logged.append(params.message)

    async def start(
        self, root: Path, capabilities: types.ClientCapabilities | None = None, *, folders: bool = True
    ) -> None:
        """Start the server on the workspace ``root``: a workspace folder, or with ``folders=False`` the root alone."""
        await self.client.start_io(sys.executable, "-m", "newsfmt", "lsp")
        folder = types.WorkspaceFolder(uri(root), "archive")
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=capabilities or types.ClientCapabilities(),
                root_uri=uri(root),
                workspace_folders=[folder] if folders else None,
            )
        )
        self.client.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    async def wait(self, document: str, version: int) -> list[types.Diagnostic]:
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: (document, version) in self.diagnostics), 20)
        return self.diagnostics[document, version]

    async def open(self, path: Path, text: str | None = None) -> list[types.Diagnostic]:
        text = path.read_text(encoding="utf-8") if text is None else text
        item = types.TextDocumentItem(uri(path), "markdown", 1, text)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(item))
        return await self.wait(uri(path), 1)

    async def change(self, path: Path, version: int, text: str) -> list[types.Diagnostic]:
        document = types.VersionedTextDocumentIdentifier(version, uri(path))
        change = types.TextDocumentContentChangeWholeDocument(text)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(document, [change]))
        return await self.wait(uri(path), version)


def session(root: Path, work: Callable[[Editor], Awaitable[T]]) -> T:
    async def run() -> T:
        editor = Editor()
        await editor.start(root)
        try:
            return await asyncio.wait_for(work(editor), 60)  # a request the client failed to send waits forever
        finally:
            await editor.stop()

    return asyncio.run(run())


async def eventually(ask: Callable[[], Awaitable[T | None]]) -> T:
    """The first answer that is not None: the archive's index is built in the background."""
    for _ in range(200):
        answer = await ask()
        if answer is not None:
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError("no answer: the index was never built")


def _identifier(path: Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri(path))


# Diagnostics.

BROKEN = {
    "canonical": EXAMPLE,
    "no space after the headline": EXAMPLE.replace("two years. According", "two years.  According", 1),
    "sources heading": EXAMPLE.replace("### Source:", "### Sources:"),
    "CRLF": EXAMPLE.replace("\n", "\r\n"),
    "no date line": EXAMPLE.split("\n", 1)[1],
    "a bad URL": EXAMPLE.replace("](http", "](ht tp", 1),
    "a heading in the body": EXAMPLE.replace("\n\nNATO has", "\n\n## NATO has", 1),
}


def test_diagnostics_are_validate_s_findings_for_each_shape_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "entry.md"
    path.write_text(EXAMPLE)

    async def work(editor: Editor) -> None:
        assert await editor.open(path) == []
        for version, (name, text) in enumerate(BROKEN.items(), 2):
            got = await editor.change(path, version, text)
            expected = newsfmt.check(text, str(path))
            assert [(d.code, d.range.start.line + 1, d.range.start.character + 1) for d in got] == [
                (f.code, f.line, f.column) for f in expected
            ], name
            for diagnostic, finding in zip(got, expected, strict=True):
                assert diagnostic.message == finding.message and diagnostic.source == "newsfmt"
                error = types.DiagnosticSeverity.Error
                assert (diagnostic.severity == error) == (finding.severity == "error")
                assert diagnostic.data is not None and diagnostic.data["name"] == finding.name
                assert diagnostic.code_description is not None
                page, anchor = diagnostic.code_description.href.split("#")
                assert anchor == f"{finding.code.lower()}-{finding.name}" and page.endswith("rules.md")
                assert diagnostic.range.end.line == diagnostic.range.start.line
                assert diagnostic.range.end.character >= diagnostic.range.start.character

    session(tmp_path, work)


def test_the_archive_checks_and_the_configuration_apply_in_the_editor(tmp_path: Path) -> None:
    archive(tmp_path)
    (tmp_path / B_PATH).unlink()  # A's link to B dangles: NF303

    async def work(editor: Editor) -> list[str]:
        return [str(d.code) for d in await editor.open(tmp_path / A_PATH)]

    assert session(tmp_path, work) == ["NF303"]
    (tmp_path / "pyproject.toml").write_text('[tool.newsfmt]\nignore = ["NF303"]\n')
    assert session(tmp_path, work) == []


@pytest.mark.parametrize(
    ("line", "column", "value"),
    [
        ("1. [Reuters](ht tp://example.com/a)", 13, "ht tp://example.com/a"),  # a URL, without its ")"
        ("1. [ Reuters](https://example.com/a)", 4, " Reuters"),  # a name, without its "]("
        ("### [2016-04-09](/news/2016/04/8/index.md)", 5, "2016-04-09"),  # the date of the date line
        ("### [2016-04-09] (/news/2016/04/8/index.md)", 5, "2016-04-09"),  # the date, the link broken
        ("### Source:  ", 11, "  "),  # trailing whitespace
        ("# NATO", 6, ""),  # a missing space: a point
        (
            "1. [NATO ](/news/2016/04/19/nato.md) _Context: NATO_",
            0,
            "1. [NATO ](/news/2016/04/19/nato.md) _Context: NATO_",
        ),
    ],
)
def test_a_diagnostic_spans_the_value_its_finding_points_at(line: str, column: int, value: str) -> None:
    import newsfmt.lsp

    start, end = newsfmt.lsp._value_span(line, column)
    assert (start, line[start:end]) == (column, value)


def test_the_range_of_a_bad_url_is_the_url_over_the_protocol(tmp_path: Path) -> None:
    path = tmp_path / "entry.md"
    text = BROKEN["a bad URL"]
    path.write_text(text)

    async def work(editor: Editor) -> list[types.Diagnostic]:
        return await editor.open(path)

    [diagnostic] = session(tmp_path, work)
    line = text.split("\n")[diagnostic.range.start.line]
    shown = line[diagnostic.range.start.character : diagnostic.range.end.character]
    assert diagnostic.code == "NF111" and shown.startswith("ht tp://") and line.endswith(shown + ")")


# Formatting and code actions.


def test_formatting_gives_the_canonical_text_and_refuses_a_file_that_does_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "entry.md"
    path.write_text(BROKEN["sources heading"])

    async def work(editor: Editor) -> tuple[Any, Any]:
        await editor.open(path)
        options = types.FormattingOptions(tab_size=4, insert_spaces=True)
        edits = await editor.client.text_document_formatting_async(
            types.DocumentFormattingParams(_identifier(path), options)
        )
        await editor.change(path, 2, BROKEN["no date line"])
        refused = await editor.client.text_document_formatting_async(
            types.DocumentFormattingParams(_identifier(path), options)
        )
        return edits, refused

    edits, refused = session(tmp_path, work)
    assert [edit.new_text for edit in edits] == [EXAMPLE]
    assert edits[0].range.start == types.Position(0, 0)
    assert refused is None


def test_every_code_action_applied_leaves_no_finding_it_fixed(tmp_path: Path) -> None:
    messy = (
        serialize(A)
        .replace("### Source:", "### Sources:")
        .replace("https://example.com/a)\n", "https://example.com/a)\n2. [Again](https://example.com/a)\n")
    )
    archive(tmp_path, {A_PATH: messy})
    path = tmp_path / A_PATH

    async def work(editor: Editor) -> tuple[list[types.CodeAction], list[types.CodeAction]]:
        diagnostics = await editor.open(path)
        last = types.Position(20, 0)
        context = types.CodeActionContext(diagnostics)
        every = await editor.client.text_document_code_action_async(
            types.CodeActionParams(_identifier(path), types.Range(types.Position(0, 0), last), context)
        )
        fix_all = await editor.client.text_document_code_action_async(
            types.CodeActionParams(
                _identifier(path),
                types.Range(types.Position(0, 0), last),
                types.CodeActionContext(diagnostics, only=[types.CodeActionKind.SourceFixAll]),
            )
        )
        return _actions(every), _actions(fix_all)

    every, fix_all = session(tmp_path, work)
    assert [action.title for action in every] == [
        "NF208: rewrite the file in the canonical layout",
        "NF304: remove the repeated source",
        "newsfmt: fix all safe findings",
    ]
    assert [action.kind for action in fix_all] == ["source.fixAll.newsfmt"]
    for action in [*every, *fix_all]:
        assert action.edit is not None and action.edit.changes is not None
        [edit] = action.edit.changes[uri(path)]
        assert edit.new_text == serialize(A)
        assert newsfmt.check(edit.new_text, path) == []


def test_the_rename_of_a_misnamed_file_is_a_workspace_edit_with_the_links(tmp_path: Path) -> None:
    misnamed = "news/2016/04/8/another-name.md"
    archive(tmp_path, {misnamed: serialize(A), B_PATH: serialize(B).replace(A_PATH, misnamed)})
    (tmp_path / A_PATH).unlink()
    path = tmp_path / misnamed

    async def work(editor: Editor) -> list[types.CodeAction]:
        diagnostics = await editor.open(path)
        assert [d.code for d in diagnostics] == ["NF302"]
        context = types.CodeActionContext(diagnostics)
        whole = types.Range(types.Position(0, 0), types.Position(20, 0))
        return _actions(
            await editor.client.text_document_code_action_async(
                types.CodeActionParams(_identifier(path), whole, context)
            )
        )

    [action] = session(tmp_path, work)
    assert action.title == f"NF302 (unsafe): move the file to /{A_PATH}, and the links to it"
    assert action.edit is not None and action.edit.document_changes is not None
    rename, links = action.edit.document_changes
    assert isinstance(rename, types.RenameFile) and (rename.old_uri, rename.new_uri) == (
        uri(path),
        uri(tmp_path / A_PATH),
    )
    assert isinstance(links, types.TextDocumentEdit) and links.text_document.uri == uri(tmp_path / B_PATH)
    path.rename(tmp_path / A_PATH)  # applied as an editor would
    [edit] = links.edits
    assert isinstance(edit, types.TextEdit)
    (tmp_path / B_PATH).write_text(edit.new_text)
    assert list(newsfmt.Archive(tmp_path).check(select=["NF", "NF307"])) == []


def test_no_action_for_a_text_that_does_not_parse_quick_fixes_alone_and_moves_that_cannot_be_done(
    tmp_path: Path,
) -> None:
    import datetime

    self_linked = "news/2016/04/21/old-name.md"
    c = newsfmt.Entry(
        date=datetime.date(2016, 4, 21),
        headline="Talks end",
        related=[newsfmt.Related(title="Talks end", path="/" + self_linked)],
    )
    taken = "news/2016/04/8/another-name.md"  # A's text: its own name, A_PATH, is taken by A
    archive(tmp_path, {self_linked: serialize(c), taken: serialize(A)})
    whole = types.Range(types.Position(0, 0), types.Position(20, 0))

    async def actions(editor: Editor, path: Path, text: str | None = None, only: Any = None) -> list[Any]:
        context = types.CodeActionContext(await editor.open(path, text), only=only)
        answer = await editor.client.text_document_code_action_async(
            types.CodeActionParams(_identifier(path), whole, context)
        )
        return [(a.title, a.kind) for a in _actions(answer)]

    async def work(editor: Editor) -> dict[str, Any]:
        quick = [types.CodeActionKind.QuickFix]
        messy = serialize(A).replace("### Source:", "### Sources:")
        return {
            "no parse": await actions(editor, tmp_path / "news/2016/04/9/broken.md", BROKEN["no date line"]),
            "quick fixes": await actions(editor, tmp_path / A_PATH, messy, quick),
            "taken": await actions(editor, tmp_path / taken),
            "moved": await actions(editor, tmp_path / self_linked),
        }

    answers = session(tmp_path, work)
    assert answers == {
        "no parse": [],
        "quick fixes": [("NF208: rewrite the file in the canonical layout", "quickfix")],  # no "fix all"
        "taken": [],  # the move would overwrite A: none is offered
        "moved": [
            ("NF302 (unsafe): move the file to /news/2016/04/21/talks-end.md, and the links to it", "quickfix"),
            ("NF306 (unsafe): remove the entry's link to itself", "quickfix"),
        ],
    }


def test_a_moved_file_that_links_to_itself_gets_its_new_text_after_the_rename(tmp_path: Path) -> None:
    import datetime

    old, new = "news/2016/04/21/old-name.md", "news/2016/04/21/talks-end.md"
    c = newsfmt.Entry(
        date=datetime.date(2016, 4, 21),
        headline="Talks end",
        related=[newsfmt.Related(title="Talks end", path="/" + old)],
    )
    archive(tmp_path, {old: serialize(c)})
    path = tmp_path / old

    async def work(editor: Editor) -> types.CodeAction:
        diagnostics = [d for d in await editor.open(path) if d.code == "NF302"]
        params = types.CodeActionParams(
            _identifier(path),
            types.Range(types.Position(0, 0), types.Position(20, 0)),
            types.CodeActionContext(diagnostics),
        )
        [action] = [
            a for a in _actions(await editor.client.text_document_code_action_async(params)) if "NF302" in a.title
        ]
        return action

    action = session(tmp_path, work)
    assert action.edit is not None and action.edit.document_changes is not None
    rename, text = action.edit.document_changes
    assert isinstance(rename, types.RenameFile) and rename.new_uri == uri(tmp_path / new)
    assert isinstance(text, types.TextDocumentEdit) and text.text_document.uri == uri(tmp_path / new)
    [edit] = text.edits
    assert isinstance(edit, types.TextEdit)
    assert edit.new_text == serialize(attrs.evolve(c, related=[newsfmt.Related(title="Talks end", path="/" + new)]))


def _actions(answer: Sequence[types.Command | types.CodeAction] | None) -> list[types.CodeAction]:
    actions = [action for action in answer or () if isinstance(action, types.CodeAction)]
    assert len(actions) == len(answer or ())  # no bare commands
    return actions


# The archive in the editor.


def test_hover_definition_references_and_completion_from_the_archive(tmp_path: Path) -> None:
    archive(tmp_path, {"news/2016/04/21/dangling.md": serialize(B).replace(A_PATH, "news/2016/04/9/gone.md")})
    b, a = tmp_path / B_PATH, tmp_path / A_PATH
    link_line = serialize(B).split("\n").index(f"1. [NATO will meet Russia ](/{A_PATH})")

    async def work(editor: Editor) -> dict[str, Any]:
        await editor.open(b)
        at = types.Position(link_line, 30)
        hover = await editor.client.text_document_hover_async(
            types.HoverParams(text_document=_identifier(b), position=at)
        )
        where = await editor.client.text_document_definition_async(
            types.DefinitionParams(text_document=_identifier(b), position=at)
        )
        await editor.open(a)
        references = await eventually(
            lambda: editor.client.text_document_references_async(
                types.ReferenceParams(
                    context=types.ReferenceContext(include_declaration=True),
                    text_document=_identifier(a),
                    position=types.Position(2, 3),
                )
            )
        )
        text = serialize(B) + "2. [Later ](/news/2016/04/8/nato-will-meet-russia.md) _Context: R"
        await editor.change(b, 2, text)
        end = types.Position(link_line + 1, len(text.split("\n")[-1]))
        tags = await eventually(
            lambda: editor.client.text_document_completion_async(
                types.CompletionParams(text_document=_identifier(b), position=end)
            )
        )
        await editor.change(b, 3, serialize(B) + "2. [Later ](/news/2016/04/8/")
        paths = await editor.client.text_document_completion_async(
            types.CompletionParams(
                text_document=_identifier(b),
                position=types.Position(link_line + 1, len("2. [Later ](/news/2016/04/8/")),
            )
        )
        dangling = tmp_path / "news/2016/04/21/dangling.md"
        await editor.open(dangling)
        gone = await editor.client.text_document_hover_async(
            types.HoverParams(text_document=_identifier(dangling), position=at)
        )
        return {"hover": hover, "where": where, "references": references, "tags": tags, "paths": paths, "gone": gone}

    found = session(tmp_path, work)
    assert found["hover"].contents.value == f"**NATO will meet Russia**\n\n2016-04-08 · `/{A_PATH}`"
    assert found["where"].uri == uri(a)
    assert [(r.uri, r.range.start.line) for r in found["references"]] == [(uri(b), link_line)]
    assert [item.label for item in found["tags"].items] == ["Russia"]
    assert [item.label for item in found["paths"].items] == [f"/{A_PATH}"]
    assert found["gone"].contents.value == "`/news/2016/04/9/gone.md`: no such entry in the archive"


def test_document_links_for_sources_and_related_paths(tmp_path: Path) -> None:
    archive(tmp_path)
    a = tmp_path / A_PATH

    async def work(editor: Editor) -> list[types.DocumentLink]:
        await editor.open(a)
        params = types.DocumentLinkParams(text_document=_identifier(a))
        return list(await editor.client.text_document_document_link_async(params) or [])

    links = session(tmp_path, work)
    lines = serialize(A).split("\n")
    assert [(link.target, link.range.start.line) for link in links] == [
        ("https://example.com/a", lines.index("1. [Reuters](https://example.com/a)")),
        (uri(tmp_path / B_PATH), next(n for n, line in enumerate(lines) if B_PATH in line)),
    ]
    source = lines[links[0].range.start.line]
    assert source[links[0].range.start.character : links[0].range.end.character] == "https://example.com/a"


def test_links_and_look_ups_with_nothing_to_find(tmp_path: Path) -> None:
    archive(tmp_path, {"news/2016/04/9/broken.md": "broken\n"})
    a, b = tmp_path / A_PATH, tmp_path / B_PATH
    lines = serialize(A).split("\n")
    lines.insert(lines.index("1. [Reuters](https://example.com/a)") + 1, "2. [Notes](notes.txt)")  # no URL
    lines[-1:-1] = ["2. [Broken ](/news/2016/04/9/broken.md)", "3. [Missing ](/news/2016/04/9/missing.md)"]
    text = "\n".join(lines).removesuffix("\n")  # and no newline at the end
    broken_line = lines.index("2. [Broken ](/news/2016/04/9/broken.md)")

    async def work(editor: Editor) -> dict[str, Any]:
        await editor.open(a, text)
        hover = editor.client.text_document_hover_async
        answers: dict[str, Any] = {
            "links": await editor.client.text_document_document_link_async(types.DocumentLinkParams(_identifier(a))),
            "broken": await hover(types.HoverParams(_identifier(a), types.Position(broken_line, 20))),
            "past the end": await hover(types.HoverParams(_identifier(a), types.Position(99, 0))),
            "date line": await hover(types.HoverParams(_identifier(a), types.Position(0, 25))),
            "formatting": await editor.client.text_document_formatting_async(
                types.DocumentFormattingParams(_identifier(a), types.FormattingOptions(4, True))
            ),
        }
        context = types.ReferenceContext(include_declaration=False)
        references = editor.client.text_document_references_async
        params = types.ReferenceParams(context, _identifier(a), types.Position(2, 3))
        answers["references before"] = [r.uri for r in await eventually(lambda: references(params))]
        b.unlink()  # gone without the client saying so: the index still has its link to A
        after = await references(params)
        answers["references"] = None if after is None else list(after)
        return answers

    async def run() -> dict[str, Any]:
        editor = Editor()
        await editor.start(tmp_path, folders=False)  # an editor that gives the root alone, no workspace folders
        try:
            return await asyncio.wait_for(work(editor), 60)
        finally:
            await editor.stop()

    answers = asyncio.run(run())
    assert [link.target for link in answers.pop("links")] == [
        "https://example.com/a",
        uri(b),
        uri(tmp_path / "news/2016/04/9/broken.md"),
    ]  # not notes.txt, not the missing entry
    assert answers.pop("broken").contents.value == "`/news/2016/04/9/broken.md`: no such entry in the archive"
    [edit] = answers.pop("formatting")
    assert edit.new_text == serialize(newsfmt.parse(text)) != text
    last = text.split("\n")
    assert edit.range.end == types.Position(len(last) - 1, len(last[-1]))  # the end of the text's last line
    assert answers == {"past the end": None, "date line": None, "references before": [uri(b)], "references": []}


def test_a_file_renamed_in_the_workspace_updates_the_index(tmp_path: Path) -> None:
    archive(tmp_path)
    a, b = tmp_path / A_PATH, tmp_path / B_PATH
    moved = tmp_path / "news/2016/04/20/nato-reopens.md"

    async def work(editor: Editor) -> tuple[list[str], list[str]]:
        await editor.open(a)
        params = types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=True),
            text_document=_identifier(a),
            position=types.Position(2, 3),
        )
        before = await eventually(lambda: editor.client.text_document_references_async(params))
        b.rename(moved)  # renamed by hand, as another program or the editor's file explorer would
        events = [
            types.FileEvent(uri(b), types.FileChangeType.Deleted),
            types.FileEvent(uri(moved), types.FileChangeType.Created),
        ]
        editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=events))
        after = await editor.client.text_document_references_async(params)
        return [r.uri for r in before], [r.uri for r in after or []]

    assert session(tmp_path, work) == ([uri(b)], [uri(moved)])


# Robust.


def test_a_failing_handler_is_logged_and_the_server_goes_on(tmp_path: Path) -> None:
    archive(tmp_path)

    async def work(editor: Editor) -> tuple[Any, list[types.Diagnostic]]:
        missing = tmp_path / "news/2016/04/8/not-open.md"  # never opened, not on disk
        answer = await editor.client.text_document_hover_async(
            types.HoverParams(text_document=_identifier(missing), position=types.Position(0, 0))
        )
        return answer, await editor.open(tmp_path / A_PATH)

    answer, diagnostics = session(tmp_path, work)
    assert answer is None and diagnostics == []


def test_without_pygls_the_command_says_what_to_install() -> None:
    code = "import sys; sys.modules['pygls'] = None\nimport newsfmt._cli\nsys.exit(newsfmt._cli.main(['lsp']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith('newsfmt: newsfmt.lsp needs pygls 2 and lsprotocol: pip install "newsfmt[lsp]"')


# Any text: the server's diagnostics are newsfmt.check's findings.


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Editor, Callable[[Any], Any], Path]]:
    """One server for many examples, driven from a loop in a thread of its own."""
    import threading

    root = tmp_path_factory.mktemp("live")
    path = root / "entry.md"
    path.write_text(EXAMPLE)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def run(work: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(asyncio.wait_for(work, 60), loop).result()

    editor = Editor()
    run(editor.start(root))
    run(editor.open(path))
    yield editor, run, path
    run(editor.stop())
    loop.call_soon_threadsafe(loop.stop)
    thread.join()


VERSIONS = itertools.count(2)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        s.canonical_texts(), s.tolerant_texts().map(lambda pair: pair[1]), s.invalid_texts().map(lambda pair: pair[0])
    )
)
def test_the_diagnostics_of_any_text_are_check_s_findings(
    live: tuple[Editor, Callable[[Any], Any], Path], text: str
) -> None:
    assume(not any("\ud800" <= character <= "\udfff" for character in text))  # not JSON the protocol can carry
    editor, run, path = live
    got = run(editor.change(path, next(VERSIONS), text))
    expected = newsfmt.check(text, str(path))
    assert [(d.code, d.message, d.range.start.line + 1) for d in got] == [(f.code, f.message, f.line) for f in expected]


def test_requests_with_nothing_to_answer_get_nothing_and_close_and_save_publish(tmp_path: Path) -> None:
    from newsfmt import MAX_FILE_SIZE  # the limit the server applies too

    archive(tmp_path, {"news/2016/04/21/dangling.md": serialize(B).replace(A_PATH, "news/2016/04/9/gone.md")})
    b, dangling, huge = (
        tmp_path / B_PATH,
        tmp_path / "news/2016/04/21/dangling.md",
        tmp_path / "news/2016/04/21/huge.md",
    )
    link_line = serialize(B).split("\n").index(f"1. [NATO will meet Russia ](/{A_PATH})")

    async def work(editor: Editor) -> dict[str, Any]:
        await editor.open(b)
        await editor.open(dangling)
        headline = types.Position(2, 3)  # no link there
        answers: dict[str, Any] = {}
        answers["hover"] = await editor.client.text_document_hover_async(types.HoverParams(_identifier(b), headline))
        definition = editor.client.text_document_definition_async
        answers["definition"] = await definition(types.DefinitionParams(_identifier(b), headline))
        at_link = types.Position(link_line, 30)
        answers["gone"] = await definition(types.DefinitionParams(_identifier(dangling), at_link))
        completion = editor.client.text_document_completion_async
        await eventually(lambda: completion(types.CompletionParams(_identifier(b), types.Position(link_line, 28))))
        answers["past the end"] = await completion(types.CompletionParams(_identifier(b), types.Position(99, 0)))
        answers["in the headline"] = await completion(types.CompletionParams(_identifier(b), headline))
        editor.client.text_document_did_save(types.DidSaveTextDocumentParams(_identifier(b)))
        editor.client.text_document_did_close(types.DidCloseTextDocumentParams(_identifier(dangling)))
        async with editor.arrived:  # the close clears the file's diagnostics: published without a version
            await asyncio.wait_for(editor.arrived.wait_for(lambda: (uri(dangling), None) in editor.diagnostics), 20)
        answers["closed"] = editor.diagnostics[uri(dangling), None]
        answers["huge"] = await editor.open(huge, EXAMPLE + "x" * MAX_FILE_SIZE)
        return answers

    answers = session(tmp_path, work)
    huge_found = answers.pop("huge")
    assert answers == dict.fromkeys(["hover", "definition", "gone", "past the end", "in the headline"]) | {"closed": []}
    assert [(d.code, d.message, d.range.start.line) for d in huge_found] == [
        ("NF003", f"expected at most {MAX_FILE_SIZE:,} bytes: not checked in the editor", 0)
    ]


def test_the_unsafe_fix_of_a_self_link_and_no_move_of_an_unsaved_file(tmp_path: Path) -> None:
    selfish = serialize(A).replace(f"/{B_PATH}", f"/{A_PATH}")  # A links to itself: NF306, an unsafe fix
    misnamed = "news/2016/04/8/another-name.md"
    archive(tmp_path, {A_PATH: selfish, misnamed: serialize(A).replace("NATO will meet Russia", "NATO meets")})
    a, moved = tmp_path / A_PATH, tmp_path / misnamed
    whole = types.Range(types.Position(0, 0), types.Position(20, 0))

    async def actions(editor: Editor, path: Path, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
        context = types.CodeActionContext(diagnostics)
        params = types.CodeActionParams(_identifier(path), whole, context)
        return _actions(await editor.client.text_document_code_action_async(params))

    async def work(editor: Editor) -> tuple[list[types.CodeAction], list[str], list[types.CodeAction]]:
        self_link = await actions(editor, a, await editor.open(a))
        edited = serialize(A).replace("NATO will meet Russia", "NATO meets") + "\n"  # not saved: disk differs
        diagnostics = await editor.open(moved, edited)
        return self_link, [str(d.code) for d in diagnostics], await actions(editor, moved, diagnostics)

    self_link, codes, unsaved = session(tmp_path, work)
    [action] = self_link
    assert action.title == "NF306 (unsafe): remove the entry's link to itself"
    assert action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes[uri(a)]
    assert edit.new_text == serialize(attrs.evolve(A, related=[]))
    assert "NF302" in codes and "NF203" in codes
    assert [a.title for a in unsaved] == [
        "NF203: rewrite the file in the canonical layout",
        "newsfmt: fix all safe findings",
    ]  # no move: the rename works on the files on disk, so it waits for a save


def test_the_index_drops_what_stops_parsing_and_the_log_says_what_could_not_be_done(tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    archive(root, {"news/2016/04/21/broken.md": "broken\n"})  # the index is built past a broken file
    other = archive(tmp_path / "elsewhere")  # an archive outside the workspace: no index until one is asked for
    gone = tmp_path / "gone/news/2016/04/8/draft.md"  # an unsaved file in a folder that does not exist
    b = root / B_PATH
    link_line = serialize(B).split("\n").index(f"1. [NATO will meet Russia ](/{A_PATH})")
    watching = types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(did_change_watched_files=watching)
    )

    async def paths(editor: Editor, path: Path, position: types.Position) -> list[str] | None:
        answer = await editor.client.text_document_completion_async(types.CompletionParams(_identifier(path), position))
        assert answer is None or isinstance(answer, types.CompletionList)
        return None if answer is None else [item.label for item in answer.items]

    async def logged(editor: Editor, start: str) -> str:
        for _ in range(400):
            if found := [message for message in editor.logged if message.startswith(start)]:
                return found[0]
            await asyncio.sleep(0.05)
        raise AssertionError(f"never logged: {start}")

    async def work(editor: Editor) -> dict[str, Any]:
        answers: dict[str, Any] = {"registration": await logged(editor, "newsfmt: initialized: ")}
        await editor.open(b)
        at_link = types.Position(link_line, 28)
        answers["before"] = await eventually(lambda: paths(editor, b, at_link))
        (root / A_PATH).write_text("broken\n")  # A stops parsing; the client says so, with files it ignores
        events = [(root / A_PATH, 2), (root / "notes.txt", 1), (root / "news/2016/04/8/index.md", 2)]
        changes = [types.FileEvent(uri(path), types.FileChangeType(kind)) for path, kind in events]
        changes.append(types.FileEvent(uri(other / A_PATH), types.FileChangeType.Deleted))  # no index there yet
        editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes))
        answers["after"] = await paths(editor, b, at_link)
        for version in range(2, 7):  # changes in a burst: each version gets its diagnostics, in order
            document = types.VersionedTextDocumentIdentifier(version, uri(b))
            change = types.TextDocumentContentChangeWholeDocument(serialize(B) + "x" * version)
            editor.client.text_document_did_change(types.DidChangeTextDocumentParams(document, [change]))
        answers["last"] = [d.code for d in await editor.wait(uri(b), 6)]
        answers["versions"] = [version for document, version in editor.diagnostics if document == uri(b)]
        elsewhere = other / B_PATH
        await editor.open(elsewhere)
        editor.client.text_document_did_save(types.DidSaveTextDocumentParams(_identifier(elsewhere)))
        references = editor.client.text_document_references_async
        context = types.ReferenceContext(include_declaration=False)
        headline = types.Position(2, 3)
        answers["references"] = await references(types.ReferenceParams(context, _identifier(elsewhere), headline))
        answers["completion"] = await paths(editor, elsewhere, headline)
        await editor.open(gone, EXAMPLE)
        answers["gone"] = await paths(editor, gone, types.Position(0, 0))
        answers["index"] = await logged(editor, "newsfmt: index: ")
        answers["gone again"] = await paths(editor, gone, types.Position(0, 0))  # not built again: still nothing
        return answers

    async def run() -> dict[str, Any]:
        editor = Editor()

        @editor.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            raise RuntimeError("no watching today")

        await editor.start(root, capabilities)
        try:
            return await asyncio.wait_for(work(editor), 60)
        finally:
            await editor.stop()

    answers = asyncio.run(run())
    assert answers.pop("registration").startswith("newsfmt: initialized: ")
    assert answers.pop("before") == [f"/{B_PATH}", f"/{A_PATH}"]  # in the order of the paths
    assert answers.pop("index") == (
        f"newsfmt: index: {tmp_path / 'gone'}: expected the folder that holds news/, found no folder"
    )
    assert answers == {
        "after": [f"/{B_PATH}"],
        "last": [f.code for f in newsfmt.check(serialize(B) + "x" * 6, str(root / B_PATH))],
        "versions": [1, 2, 3, 4, 5, 6],
        "references": None,
        "completion": None,
        "gone": None,
        "gone again": None,
    }


def test_the_server_asks_a_client_that_can_watch_files_to_watch_the_entries(tmp_path: Path) -> None:
    archive(tmp_path)
    watching = types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(did_change_watched_files=watching)
    )

    async def run() -> list[types.Registration]:
        editor = Editor()
        asked: list[types.Registration] = []
        arrived = asyncio.Event()

        @editor.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            asked.extend(params.registrations)
            arrived.set()

        await editor.start(tmp_path, capabilities)
        try:
            await asyncio.wait_for(arrived.wait(), 20)
            return asked
        finally:
            await editor.stop()

    [registration] = asyncio.run(run())
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    assert registration.register_options == {"watchers": [{"globPattern": "**/*.md"}]}  # as JSON on the wire
