"""One escaping function per output context, for every string that came from input.

Logical ids, file names, ARNs, messages built from them, suppression reasons, baseline entries
and error lines are data: in no output may they start a line, move the cursor, open a link, or
close a quote, a table cell or a fence. Each format passes such text through the function of
its context here, so there is one place to get each context right:

- :func:`line` (terminal, log, stderr): everything not printable shown as an escape (``\\n``,
  ``\\x1b``, ``\\u202e``); :func:`block` the same for rule-written multi-line text (fixes),
  keeping its line breaks; :func:`guard_lines` is the backstop on rendered terminal output, so
  no line wa-lint prints starts a CI workflow command (``::stop-commands::``, ``##[…]``,
  ``##vso[…]``), wherever wrapping put it.
- :func:`workflow_data` and :func:`workflow_property` (GitHub workflow commands).
- :func:`md_text`, :func:`md_code`, :func:`mermaid_label` (Markdown, GitHub-flavoured).
- :func:`html_text` (HTML text and quoted attributes), :func:`xml_text` (JUnit).
- :func:`dot_string` (a Graphviz quoted string), :func:`json_safe` (JSON after ``json.dumps``).

Text with nothing special in it comes out unchanged in every context.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wa_lint.finding import Finding

#: Characters that act although printable: bidirectional marks, overrides and isolates (they
#: reorder what a terminal or browser shows), line and paragraph separators.
_INVISIBLE = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
#: Unicode categories that act on a terminal: control, surrogate, line and paragraph separator.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
#: A CI workflow command at the start of a line (after blanks and colour codes): GitHub's
#: ``::cmd::`` and ``##[cmd]``, Azure Pipelines' ``##vso[…]``. The runners trim leading blanks.
_COMMAND = re.compile(r"^((?:[ \t\f\v]|\x1b\[[0-9;]*m)*)(::|##)", re.M)
_ACTING = "\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_JSON_UNSAFE = re.compile(f"[{_ACTING}\ud800-\udfff]")
_NOT_XML = re.compile("[\ufffe\uffff]")
#: Backslash, backtick and pipe always; ``]`` where it would close a link, image, reference or
#: definition (``](``, ``][``, ``]:``): without it no bracket pair is a link.
_MD_SPECIAL = re.compile(r"([\\`|]|\](?=[(\[:]))")
#: What makes a list item's text a heading, quote, nested list, task, rule or fence instead.
_MD_BLOCK_START = re.compile(r"[#>+\-*=_~\[]|\d+(?=[.)](?:[ \t]|$))")


def _escape_char(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")


def _unsafe(char: str, keep: str) -> bool:
    return char not in keep and (unicodedata.category(char) in _UNSAFE_CATEGORIES or char in _INVISIBLE)


def visible(text: str, keep: str = "") -> str:
    """``text`` with control characters (C0, DEL, C1), line and paragraph separators, lone
    surrogates and bidirectional overrides shown as Python escapes (``\\x1b``, ``\\u202e``);
    characters in ``keep`` stay. Other invisible characters (a byte-order mark, a zero-width
    joiner) do not act and stay as they are."""
    if text.isprintable() or not any(_unsafe(c, keep) for c in text):
        return text
    return "".join(_escape_char(c) if _unsafe(c, keep) else c for c in text)


def printable(text: str) -> str:
    """``text`` with every character Python does not call printable shown as an escape: stricter
    than :func:`visible` (zero-width characters are escaped too), for one line naming a project
    file, a ``cdk.json`` value, or an exception's text."""
    return "".join(c if c.isprintable() else _escape_char(c) for c in text)


def line(text: object) -> str:
    """One line of plain text for a terminal, a CI log or stderr."""
    return visible(str(text))


def block(text: str, names: Iterable[str | None] = ()) -> str:
    """Rule-written multi-line text (a fix with a YAML snippet): its line breaks stay, anything
    else that is not printable is escaped (CR LF becomes LF). ``names`` are input the rule may
    have quoted (the finding's resource, construct path, …): a line break in one of them is shown
    as ``\\n``, not kept."""
    for name in names:
        if name and name in text and visible(name) != name:
            text = text.replace(name, visible(name))
    return visible(text.replace("\r\n", "\n"), keep="\n")


def finding_names(f: Finding) -> list[str | None]:
    """The input-derived names a rule may quote in a finding's fix."""
    return [f.resource, f.source_resource, f.construct_path, f.condition, *(r.resource for r in f.related)]


def guard_lines(text: str, colon: str = "\\x3a", hash_: str = "\\x23") -> str:
    """Rendered output in which no line starts a CI workflow command: the first character of a
    leading ``::`` or ``##`` is replaced (by default with its escape; ``&#58;``/``&#35;`` in XML)."""
    if "::" not in text and "##" not in text:
        return text
    return _COMMAND.sub(lambda m: m.group(1) + (colon if m.group(2) == "::" else hash_) + m.group(2)[1], text)


# -- GitHub workflow commands -------------------------------------------------------------------
def workflow_data(value: str) -> str:
    """A workflow command's message: ``%``, CR and LF encoded as the runner decodes them; other
    characters that are not printable escaped, so the command stays one line."""
    value = visible(value.replace("%", "%25"), keep="\r\n")
    return value.replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(value: str) -> str:
    """A workflow command property value: as :func:`workflow_data`, plus ``:`` and ``,``."""
    return workflow_data(value).replace(":", "%3A").replace(",", "%2C")


# -- Markdown (GitHub-flavoured) ----------------------------------------------------------------
def md_text(text: str, *, line_start: bool = False) -> str:
    """Literal inline text: no HTML, entity, link, image, code span or table cell boundary can
    start in it; line breaks become ``<br>``. ``line_start``: the text begins a line (a list item),
    so a leading ``#``, ``>``, ``-``, ``1.`` … is escaped too."""
    text = visible(text.replace("\r\n", "\n"), keep="\n")
    text = html.escape(_MD_SPECIAL.sub(r"\\\1", text), quote=False).replace("\n", "<br>")
    if line_start:
        body = text.lstrip(" ")
        lead = "&#32;" * (len(text) - len(body))  # not indentation
        start = _MD_BLOCK_START.match(body)
        if start:
            body = "\\" + body if not start.group().isdigit() else start.group() + "\\" + body[start.end():]
        text = lead + body
    return text


def md_code(text: str) -> str:
    """Literal text shown as code (inside a table cell too). A code span when the text allows one
    exactly (no backslash, nothing unprintable), else ``<code>`` around escaped text."""
    shown = visible(text)
    if "\\" in text or shown != text:
        return f"<code>{md_text(shown)}</code>"
    content = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = content.startswith("`") or content.endswith("`") or (
        content.startswith(" ") and content.endswith(" ") and content.strip(" ") != "")
    return f"{fence} {content} {fence}" if pad else f"{fence}{content}{fence}"


def md_fence(lines: Iterable[str], info: str = "text") -> str:
    """Lines of template text as a fenced code block: nothing unprintable, and a fence longer than
    any run of backticks in them, so no line can close it early."""
    shown = [visible(row, keep="\t") for row in lines]
    longest = max((len(run) for row in shown for run in re.findall(r"`+", row)), default=0)
    fence = "`" * max(3, longest + 1)
    return "\n".join([fence + info, *shown, fence])


_MERMAID = (("#", "#35;"), ("&", "#amp;"), ("<", "#lt;"), (">", "#gt;"), ('"', "#quot;"), ("|", "#124;"),
            ("`", "#96;"))


def mermaid_label(text: str) -> str:
    """Text inside a quoted Mermaid label or an edge label: entity codes for the characters that
    end a label or make markup, and no line break (which would end the Markdown fence)."""
    text = visible(text)
    for char, code in _MERMAID:
        text = text.replace(char, code)
    return text


# -- HTML and XML -------------------------------------------------------------------------------
def html_text(text: object) -> str:
    """Text for HTML content or a quoted attribute: escaped, and nothing that is not printable
    except tab and line feed (CR as a character reference)."""
    return html.escape(visible(str(text), keep="\t\n\r"), quote=True).replace("\r", "&#13;")


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry (ElementTree escapes the markup): control characters other than
    tab and line feed, lone surrogates and bidirectional overrides shown as escapes; the two
    noncharacters XML forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", visible(text, keep="\t\n"))


# -- Graphviz and JSON --------------------------------------------------------------------------
def dot_string(*parts: str) -> str:
    """A Graphviz quoted string whose text is ``parts`` joined by line breaks (``\\n``): quotes and
    backslashes escaped (so no id can end the string or make a label escape such as ``\\N``),
    nothing unprintable, and no raw line break in the output."""
    inner = "\\n".join(visible(p).replace("\\", "\\\\").replace('"', '\\"') for p in parts)
    return f'"{inner}"'


def json_safe(dumped: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with the characters it leaves raw
    that act in a terminal (DEL, C1, bidirectional overrides, separators) or cannot be encoded
    (lone surrogates) written as ``\\uXXXX``. Such characters only occur inside strings."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
