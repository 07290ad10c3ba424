"""newsfmt's language server, ``newsfmt lsp``: findings, fixes and the archive's links in any LSP editor.

Built on pygls 2 and lsprotocol (the extra ``[lsp]``), over the same library the
command uses: diagnostics are ``newsfmt.check`` of the editor's text with the file's
configuration, formatting is ``serialize``, code actions are the findings' fixes
(``plan_move`` for a rename, with the link updates in other files), and hover,
go-to-definition, references and completion come from an index of the workspace's
archive, built in a background thread. Start it with ``newsfmt lsp`` (stdio).
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

try:
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer
    from pygls.uris import from_fs_path, to_fs_path
    from pygls.workspace import TextDocument
    from pygls.workspace.position_codec import PositionCodec, ServerTextPosition
except ImportError as error:  # pragma: no cover - the message is tested in a process without pygls
    raise ImportError(f'newsfmt.lsp needs pygls 2 and lsprotocol: pip install "newsfmt[lsp]" ({error})') from None


from . import MAX_FILE_SIZE, RULES, Archive, Entry, Finding, ParseError, __version__, check, find_settings, plan_move
from ._archive import _Index
from ._fix import archive_path, fixed_entry
from ._journal import archive_root
from ._parser import parse, split_lines
from ._rules import rules_file
from ._serialize import serialize

__all__ = ["create_server", "serve"]

F = TypeVar("F", bound=Callable[..., Any])
_LINK = re.compile(r"\]\((/news/[^)\s]*\.md)\)")
_CONTEXT = "_Context: "


class _Server(LanguageServer):
    """The server, with the archive indexes it keeps, by the folder that holds ``news/``."""

    def __init__(self) -> None:
        super().__init__("newsfmt", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.indexes: dict[str, _Index] = {}
        self.indexing: dict[str, threading.Thread] = {}

    def index(self, root: str) -> _Index | None:
        """The archive's index if it is built; else start building it in the background, and None."""
        if root in self.indexes:
            return self.indexes[root]
        if root not in self.indexing:
            thread = threading.Thread(target=self._build, args=(root,), daemon=True, name=f"newsfmt index {root}")
            self.indexing[root] = thread
            thread.start()
        return None

    def _build(self, root: str) -> None:
        try:
            self.indexes[root] = Archive(root)._built()  # the Archive's own index, kept up to date here
        except Exception as error:  # an archive that cannot be read has no index: look-ups say nothing
            self.window_log_message(types.LogMessageParams(types.MessageType.Error, f"newsfmt: index: {error}"))


def _guarded(server: _Server, handler: F) -> F:
    """A handler whose exception is logged to the client and answered with nothing, never ending the server."""

    def failed(error: Exception) -> None:
        message = f"newsfmt: {handler.__name__}: {type(error).__name__}: {error}"
        server.window_log_message(types.LogMessageParams(types.MessageType.Error, message))

    if inspect.iscoroutinefunction(handler):

        async def guarded_async(*arguments: Any) -> Any:
            try:
                return await handler(*arguments)
            except Exception as error:
                failed(error)
                return None

        guarded_async.__name__ = handler.__name__
        return guarded_async  # type: ignore[return-value]

    def guarded(*arguments: Any) -> Any:
        try:
            return handler(*arguments)
        except Exception as error:
            failed(error)
            return None

    guarded.__name__ = handler.__name__
    return guarded  # type: ignore[return-value]


def create_server() -> LanguageServer:
    """A new newsfmt language server (a pygls ``LanguageServer``), not started: ``serve()`` runs one on stdio.

    >>> import newsfmt, newsfmt.lsp
    >>> server = newsfmt.lsp.create_server()
    >>> server.name, server.version == newsfmt.__version__
    ('newsfmt', True)
    """
    server = _Server()

    def feature(name: str, options: Any = None) -> Callable[[F], F]:
        def register(handler: F) -> F:
            server.feature(name, options)(_guarded(server, handler))
            return handler

        return register

    @feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        for folder in _workspace_roots(server):
            server.index(folder)
        watching = server.client_capabilities.workspace
        watching_files = watching.did_change_watched_files if watching else None
        if watching_files and watching_files.dynamic_registration:  # so that the index follows the files
            watcher = types.FileSystemWatcher(glob_pattern="**/*.md")
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[watcher])
            registration = types.Registration("newsfmt-files", types.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)
            await server.client_register_capability_async(types.RegistrationParams([registration]))

    @feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        _publish(server, params.text_document.uri)

    @feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        _publish(server, params.text_document.uri)  # each version: checking an entry takes well under a millisecond

    @feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        _publish(server, params.text_document.uri)
        document = server.workspace.get_text_document(params.text_document.uri)
        root = archive_root(document.path)
        index = server.indexes.get(root)
        if index is not None:  # the saved entry's headline and links, as the index knows them now
            index.update(Archive(root), archive_path(document.path))

    @feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            file = to_fs_path(change.uri)
            if file and file.endswith(".md") and not file.endswith(os.sep + "index.md"):
                root = archive_root(file)
                index = server.indexes.get(root)
                if index is not None:
                    index.update(Archive(root), archive_path(file))

    @feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
    def document_link(params: types.DocumentLinkParams) -> list[types.DocumentLink]:
        document = server.workspace.get_text_document(params.text_document.uri)
        return _document_links(document)

    @feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(params.text_document.uri, []))

    @feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        document = server.workspace.get_text_document(params.text_document.uri)
        try:
            canonical = serialize(parse(document.source))
        except ParseError:
            return None  # a file that does not parse is not formatted: its diagnostics say why
        return [] if canonical == document.source else [_whole(document, canonical)]

    @feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
    )
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        return _code_actions(server, params)

    def link(params: types.HoverParams | types.DefinitionParams) -> tuple[TextDocument, str] | None:
        """The document and the related path of the link at the position, if there is one."""
        document = server.workspace.get_text_document(params.text_document.uri)
        target = _link_at(document, params.position)
        return None if target is None else (document, target)

    @feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        if (at := link(params)) is None:
            return None
        document, target = at
        found = _target(document, target)
        if found is None:
            text = f"`{target}`: no such entry in the archive"
        else:
            text = f"**{found.headline}**\n\n{found.date.isoformat()} · `{target}`"
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text))

    @feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(params: types.DefinitionParams) -> types.Location | None:
        if (at := link(params)) is None:
            return None
        document, target = at
        file = os.path.join(archive_root(document.path), *target.split("/")[1:])
        if not os.path.isfile(file):
            return None
        start = types.Position(0, 0)
        return types.Location(from_fs_path(file) or file, types.Range(start, start))

    @feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(params: types.ReferenceParams) -> list[types.Location] | None:
        document = server.workspace.get_text_document(params.text_document.uri)
        root = archive_root(document.path)
        index = server.index(root)
        if index is None:
            return None
        own = archive_path(document.path)
        return [
            location for path in sorted(index.backlinks.get(own, ())) for location in _lines_linking(root, path, own)
        ]

    @feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["(", ",", " "]))
    def completion(params: types.CompletionParams) -> types.CompletionList | None:
        document = server.workspace.get_text_document(params.text_document.uri)
        index = server.index(archive_root(document.path))
        if index is None:
            return None
        lines = _lines(document.source)
        if params.position.line >= len(lines):
            return None
        at = document.position_codec.position_from_client_units(lines, params.position)
        before = lines[at.line][: at.character]
        if _CONTEXT in before:
            typed = before.rsplit(_CONTEXT, 1)[1].rsplit(", ", 1)[-1]
            tags = [tag for tag, _ in index.tags.most_common() if tag.startswith(typed)]
            return types.CompletionList(
                False, [types.CompletionItem(tag, kind=types.CompletionItemKind.EnumMember) for tag in tags]
            )
        if before.rstrip().endswith("](") or re.search(r"\]\(/news/[^)]*$", before):
            typed = before.rsplit("](", 1)[1]
            items = [
                types.CompletionItem(path, kind=types.CompletionItemKind.File, detail=headline)
                for path, (_, headline) in sorted(index.headlines.items())
                if path.startswith(typed)
            ]
            return types.CompletionList(len(items) > 1000, items[:1000])
        return None

    return server


FIX_ALL = types.CodeActionKind.SourceFixAll + ".newsfmt"


def serve() -> None:
    """Run a language server on standard input and output until the client ends it (``newsfmt lsp``)."""
    create_server().start_io()


# Diagnostics.


def _workspace_roots(server: _Server) -> list[str]:
    folders = [to_fs_path(folder.uri) for folder in server.workspace.folders.values()]
    if not folders and server.workspace.root_path:
        folders = [server.workspace.root_path]
    return [folder for folder in folders if folder and os.path.isdir(os.path.join(folder, "news"))]


def _lines(text: str) -> list[str]:
    """The text's lines as the parser splits them (``\\n``, ``\\r\\n``, ``\\r``), as positions count them."""
    return split_lines(text) if text else [""]


def _findings(document: TextDocument) -> list[Finding]:
    text = document.source
    path = document.path
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_SIZE:
        size = f"expected at most {MAX_FILE_SIZE:,} bytes: not checked in the editor"
        return [Finding(path, 1, 1, "NF003", size)]
    settings = find_settings(os.path.dirname(path) or ".")
    ignore = [*(settings.ignore or ()), *settings.ignored_in(path)]
    return check(text, path, select=settings.select, ignore=ignore)


def _diagnostic(document: TextDocument, lines: list[str], finding: Finding) -> types.Diagnostic:
    line = min(finding.line - 1, len(lines) - 1)
    start, end = _value_span(lines[line], finding.column - 1)
    client = document.position_codec.range_to_client_units(lines, _server_range(line, start, line, end))
    severity = types.DiagnosticSeverity.Error if finding.severity == "error" else types.DiagnosticSeverity.Warning
    fix = None if finding.fix is None else {"safe": finding.fix.safe, "message": finding.fix.message}
    return types.Diagnostic(
        range=client,
        message=finding.message,
        severity=severity,
        code=finding.code,
        code_description=_rule_page(finding.code),
        source="newsfmt",
        data={"name": RULES[finding.code].name, "fix": fix},
    )


@functools.cache
def _rule_page(code: str) -> types.CodeDescription | None:
    """The rule's section of the rules.md newsfmt ships: a file an editor opens at the rule's heading."""
    path = rules_file()
    uri = from_fs_path(path) if path else None
    return None if uri is None else types.CodeDescription(f"{uri}#{code.lower()}-{RULES[code].name}")


def _value_span(text: str, column: int) -> tuple[int, int]:
    """Where the value a finding points at in its line starts and ends (0-based, end excluded).

    A finding's column is where the offending value starts: a URL or path in
    ``(…)`` ends before its ``)``, a title or name in ``[…]`` before its ``](``, the
    date of the date line after its ten characters, trailing whitespace at the end
    of the line; anything else runs to the end of the line's text. A column past
    the text (a missing space or newline) is a point.
    """
    start = min(max(column, 0), len(text))
    core = len(text.rstrip())
    if start >= core:  # whitespace after the text, or nothing: the whitespace, or a point
        return start, max(len(text), start)
    before = text[start - 1] if start else ""
    if before == "(" and ")" in text[start:]:
        return start, text.rindex(")")
    if before == "[" and "](" in text[start:]:
        return start, text.index("](", start)
    if text.startswith("### [") and start == 5 and re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\]", text[5:]):
        return start, start + 10
    return start, core


def _server_range(line: int, start: int, end_line: int, end: int) -> Any:
    from pygls.workspace.position_codec import ServerTextRange

    return ServerTextRange(ServerTextPosition(line, start), ServerTextPosition(end_line, end))


def _publish(server: _Server, uri: str) -> None:
    document = server.workspace.get_text_document(uri)
    lines = _lines(document.source)
    diagnostics = [_diagnostic(document, lines, finding) for finding in _findings(document)]
    server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, diagnostics, document.version))


# Code actions.


def _whole(document: TextDocument, text: str) -> types.TextEdit:
    """An edit that replaces the whole document with ``text``."""
    return _replacing(document.source, text, document.position_codec)


def _replacing(old: str, new: str, codec: PositionCodec) -> types.TextEdit:
    """An edit that replaces the whole of ``old`` with ``new``, its end in the client's position units."""
    lines = _lines(old)
    end = codec.position_to_client_units(lines, ServerTextPosition(len(lines) - 1, len(lines[-1])))
    if old.endswith(("\n", "\r")):
        end = types.Position(len(lines), 0)
    return types.TextEdit(types.Range(types.Position(0, 0), end), new)


def _code_actions(server: _Server, params: types.CodeActionParams) -> list[types.CodeAction]:
    document = server.workspace.get_text_document(params.text_document.uri)
    try:
        entry = parse(document.source)
    except ParseError:
        return []  # no finding of a file that does not parse has a fix
    findings = [f for f in _findings(document) if f.fix is not None]
    lines = _lines(document.source)
    wanted = params.context.only
    actions: list[types.CodeAction] = []

    def quick_fix(finding: Finding, edit: types.WorkspaceEdit) -> types.CodeAction:
        """The finding's fix as a quick fix: a safe one preferred, an unsafe one titled so."""
        assert finding.fix is not None
        safe = finding.fix.safe
        return types.CodeAction(
            f"{finding.code}{'' if safe else ' (unsafe)'}: {finding.fix.message}",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[_diagnostic(document, lines, finding)],
            edit=edit,
            is_preferred=True if safe else None,
        )

    safe = [f for f in findings if f.fix is not None and f.fix.safe]
    if safe:
        fixed = serialize(fixed_entry(entry, safe=True))
        edit = types.WorkspaceEdit(changes={document.uri: [_whole(document, fixed)]})
        if wanted is None or any(kind.startswith(types.CodeActionKind.QuickFix) for kind in wanted):
            actions.extend(quick_fix(finding, edit) for finding in safe)
        if wanted is None or any(FIX_ALL.startswith(kind) for kind in wanted):
            actions.append(types.CodeAction("newsfmt: fix all safe findings", kind=FIX_ALL, edit=edit))
    if wanted is not None and not any(kind.startswith(types.CodeActionKind.QuickFix) for kind in wanted):
        return actions
    for finding in findings:
        if finding.fix is not None and not finding.fix.safe:
            unsafe = _unsafe_edit(document, entry, finding)
            if unsafe is not None:
                actions.append(quick_fix(finding, unsafe))
    return actions


def _unsafe_edit(document: TextDocument, entry: Entry, finding: Finding) -> types.WorkspaceEdit | None:
    if finding.code == "NF306":
        kept = fixed_entry(entry, safe=False, self_link=archive_path(document.path))
        return types.WorkspaceEdit(changes={document.uri: [_whole(document, serialize(kept))]})
    try:  # NF301 or NF302, the other unsafe fixes: the move to the entry's own path
        with open(document.path, encoding="utf-8", newline="") as file:
            if file.read() != document.source:
                return None  # the rename works on the files on disk: save first
        plan = plan_move(document.path)
    except (OSError, ValueError):
        return None
    changes: list[Any] = []
    for change in plan.changes:
        uri = from_fs_path(change.path) or change.path
        if change.old is None:  # the moved file: a rename, then its new text if it differs
            changes.append(types.RenameFile(document.uri, uri))
            if change.new != document.source and change.new is not None:
                changes.append(_document_edit(uri, document.source, change.new, document.position_codec))
        elif change.new is not None:
            changes.append(_document_edit(uri, change.old, change.new, document.position_codec))
    return types.WorkspaceEdit(document_changes=changes)


def _document_edit(uri: str, old: str, new: str, codec: PositionCodec) -> types.TextDocumentEdit:
    edit = _replacing(old, new, codec)
    return types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri, None), [edit])


# The archive in the editor.


def _document_links(document: TextDocument) -> list[types.DocumentLink]:
    """A link for each source's URL and each related path that is a file of the archive."""
    lines = _lines(document.source)
    root = archive_root(document.path)
    links = []
    section = ""
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("### "):
            section = stripped
            continue
        if not stripped[:1].isdigit():
            continue
        for match in re.finditer(r"\]\(([^)\s]+)\)", line):
            target: str | None = match[1]
            if section == "### Related:":
                file = os.path.join(root, *match[1].split("/")[1:])
                target = from_fs_path(file) if os.path.isfile(file) else None
            elif not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", match[1]):
                target = None  # not a URL an editor can open
            if target is not None:
                where = _server_range(number, match.start(1), number, match.end(1))
                links.append(types.DocumentLink(document.position_codec.range_to_client_units(lines, where), target))
    return links


def _link_at(document: TextDocument, position: types.Position) -> str | None:
    """The related path of the link under the cursor, on an item line of the Related section."""
    lines = _lines(document.source)
    if position.line >= len(lines):
        return None
    at = document.position_codec.position_from_client_units(lines, position)
    for match in _LINK.finditer(lines[at.line]):
        if lines[at.line].lstrip()[:1].isdigit():
            return match[1]
    return None


def _target(document: TextDocument, path: str) -> Entry | None:
    try:
        return Archive(archive_root(document.path)).get(path)
    except (ParseError, ValueError, OSError):
        return None


def _lines_linking(root: str, source: str, target: str) -> list[types.Location]:
    file = os.path.join(root, *source.split("/")[1:])
    try:
        with open(file, encoding="utf-8") as handle:
            lines = _lines(handle.read())
    except (OSError, UnicodeDecodeError):
        return []
    uri = from_fs_path(file) or file
    found = []
    for number, line in enumerate(lines):
        at = line.find(f"]({target})")
        if at >= 0:
            start = line.find("[")
            found.append(
                types.Location(
                    uri, types.Range(types.Position(number, max(start, 0)), types.Position(number, len(line.rstrip())))
                )
            )
    return found
