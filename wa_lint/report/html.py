"""One self-contained, offline HTML page: scorecard, findings grouped by resource (one header and
code frame per resource, a card per finding), and an SVG drawing of each stack's architecture.

Nothing is fetched: styles and script are inline and a Content-Security-Policy forbids any
other source. In the drawing, services are nodes, edges are coloured by kind, and flagged
nodes are outlined by their worst severity; clicking a finding (or opening the page at
``#f-N``) highlights its resources, clicking a node selects its first finding.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from wa_lint import __version__
from wa_lint.escape import guard_lines, html_text, visible
from wa_lint.finding import Finding, Severity
from wa_lint.report import Report, help_uri
from wa_lint.report.diagram import KIND_LABEL, layered_layout, short_type
from wa_lint.report.grouping import by_resource
from wa_lint.report.markdown import headline, stack_key, worst_by_resource
from wa_lint.report.source import frame, masked, safe_fix, safe_message

NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 190, 46, 90, 22, 24
MAX_LABEL = 24
MAX_DRAWINGS = 40
OPEN_DRAWINGS = 3
EDGE_STYLE = {
    "invokes": "#0969da", "on_failure": "#cf222e", "dead_letter": "#cf222e", "on_success": "#1a7f37",
    "executes_as": "#8250df", "grants": "#9a6700", "connects": "#57606a", "fronts": "#57606a",
    "integrates": "#0a7ea4",
}
DASHED = {"on_failure", "dead_letter", "on_success"}
DOTTED = {"executes_as", "grants"}


def e(text: Any) -> str:
    """Text for HTML content or a quoted attribute (:func:`wa_lint.escape.html_text`)."""
    return html_text(text)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _clip(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the drawing ------------------------------------------------------------------------------
def _edge_path(src: tuple[float, float], dst: tuple[float, float]) -> str:
    (x1, y1), (x2, y2) = src, dst
    if x2 > x1:  # forward: right side to left side
        sx, sy, tx, ty = x1 + NODE_W, y1 + NODE_H / 2, x2, y2 + NODE_H / 2
        dx = max(40.0, (tx - sx) / 2)
        return f"M{sx:.0f},{sy:.0f} C{sx + dx:.0f},{sy:.0f} {tx - dx:.0f},{ty:.0f} {tx:.0f},{ty:.0f}"
    # same column or backwards: loop below the nodes
    sx, sy, tx, ty = x1 + NODE_W / 2, y1 + NODE_H, x2 + NODE_W / 2, y2 + NODE_H
    drop = max(sy, ty) + 40
    return f"M{sx:.0f},{sy:.0f} C{sx:.0f},{drop:.0f} {tx:.0f},{drop:.0f} {tx:.0f},{ty:.0f}"


def svg_defs() -> str:
    """Arrow markers for every edge kind, defined once for all drawings."""
    markers = "".join(
        f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>'
        for kind, color in EDGE_STYLE.items()
    )
    return f'<svg class="defs" width="0" height="0" aria-hidden="true"><defs>{markers}</defs></svg>'


def svg_drawing(graph: dict[str, Any], severities: dict[str, str], counts: Counter[str]) -> str:
    nodes = graph["nodes"]
    placed = layered_layout([n["id"] for n in nodes], [(x["from"], x["to"]) for x in graph["edges"]])
    pos = {n: (PAD + c * (NODE_W + COL_GAP), PAD + r * (NODE_H + ROW_GAP)) for n, (c, r) in placed.items()}
    columns: Counter[int] = Counter(c for c, _ in placed.values())
    width = PAD * 2 + (max(columns) + 1) * (NODE_W + COL_GAP) - COL_GAP if columns else 200
    height = PAD * 2 + max(columns.values(), default=1) * (NODE_H + ROW_GAP) + 40
    parts = [f'<svg class="arch" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="architecture of {e(graph["stack"])}">']
    for x in graph["edges"]:
        if x["from"] not in pos or x["to"] not in pos:
            continue
        kind = x["kind"]
        dash = _dash(kind)
        label = KIND_LABEL.get(kind, kind) + (f" ({x['mode']})" if x.get("mode") else "")
        parts.append(
            f'<path class="edge kind-{e(kind)}" data-from="{e(x["from"])}" data-to="{e(x["to"])}" '
            f'd="{_edge_path(pos[x["from"]], pos[x["to"]])}" stroke="{EDGE_STYLE.get(kind, "#57606a")}"{dash} '
            f'fill="none" marker-end="url(#arrow-{e(kind) if kind in EDGE_STYLE else "connects"})">'
            f'<title>{e(x["from"])} {e(label)} {e(x["to"])}</title></path>'
        )
    for n in nodes:
        x0, y0 = pos[n["id"]]
        level = severities.get(n["id"])
        cls = f"node flagged {level}" if level else "node"
        cls += " foreign" if n.get("stack") else ""  # another stack's resource, linked (wa_lint/link)
        label = str(n["label"])
        rtype = "external" if n["type"] == "external" else short_type(str(n["type"]))
        badge = ""
        if counts.get(n["id"]):
            badge = (f'<circle class="count" cx="{NODE_W - 4}" cy="4" r="10"/>'
                     f'<text class="count" x="{NODE_W - 4}" y="8" text-anchor="middle">{counts[n["id"]]}</text>')
        parts.append(
            f'<g class="{cls}" data-id="{e(n["id"])}" transform="translate({x0:.0f},{y0:.0f})" tabindex="0">'
            f'<title>{e(label)} ({e(n["type"])}){e(" in " + str(n.get("path"))) if n.get("stack") else ""}</title>'
            f'<rect width="{NODE_W}" height="{NODE_H}" rx="{NODE_H / 2 if rtype.endswith("Function") else 8}"/>'
            f'<text class="label" x="12" y="19">{e(_clip(label))}</text>'
            f'<text class="type" x="12" y="36">{e(_clip(rtype, 30))}</text>{badge}</g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _dash(kind: str) -> str:
    return ' stroke-dasharray="6 4"' if kind in DASHED else ' stroke-dasharray="2 4"' if kind in DOTTED else ""


def legend() -> str:
    items = "".join(
        f'<span><svg width="34" height="10"><line x1="0" y1="5" x2="34" y2="5" stroke="{color}" stroke-width="2"'
        f"{_dash(kind)}/></svg>{e(KIND_LABEL[kind])}</span>"
        for kind, color in EDGE_STYLE.items()
    )
    swatches = "".join(f'<span><span class="swatch {s}"></span>{s}</span>' for s in ("error", "warning", "info"))
    return f'<p class="legend">{items}{swatches}</p>'


def drawings(report: Report) -> str:
    findings = report.findings
    worst = worst_by_resource(findings)
    per_stack = Counter(stack_key(f.path, f.stack) for f in findings)
    graphs = sorted((g for g in report.graphs if g["nodes"]),
                    key=lambda g: -per_stack.get(stack_key(g["path"], g["stack"]), 0))
    if not graphs:
        return '<p class="muted">No resources to draw.</p>'
    out = [svg_defs()]
    for i, g in enumerate(graphs[:MAX_DRAWINGS]):
        key = stack_key(g["path"], g["stack"])
        severities = {res: level for (stack, res), level in worst.items() if stack == key}
        counts = Counter(f.resource for f in findings if stack_key(f.path, f.stack) == key)
        omitted = f" · {g['omitted']} more not drawn" if g["omitted"] else ""
        is_open = " open" if i < OPEN_DRAWINGS and (per_stack.get(key) or i == 0) else ""
        out.append(
            f'<details class="graph" data-stack="{e(key)}"{is_open}><summary><code>{e(g["path"])}</code> '
            f'<span class="muted">{e(g["stack"])} · {g["resources"]} resources · {len(g["nodes"])} drawn · '
            f'{_plural(per_stack.get(key, 0), "finding")}{omitted}</span>'
            f'<button type="button" class="zoom">actual size</button></summary>'
            f'<div class="canvas">{svg_drawing(g, severities, counts)}</div></details>'
        )
    if len(graphs) > MAX_DRAWINGS:
        out.append(f'<p class="muted">{len(graphs) - MAX_DRAWINGS} more stacks are not drawn.</p>')
    out.append(legend())
    return "".join(out)


# -- findings ---------------------------------------------------------------------------------
def related_frames(f: Finding) -> str:
    """A frame for each related resource written in another file (a linked stack's)."""
    out = ""
    for rel in f.related:
        if rel.path and rel.path != f.path:
            other = _frame(rel.path, rel.line, f.masked)
            if other:
                via = f" (linked through {e(rel.via)})" if rel.via else ""
                out += f'<p class="related">{e(rel.resource)} in {e(rel.path)}:{rel.line}{via}</p>{other}'
    return out


def _frame(path: str, line: int, secrets: list[str]) -> str:
    rows = frame(path, line, secrets, context=2)
    if not rows:
        return ""
    lines = "".join(
        f'<span class="row{" hit" if n == line else ""}"><span class="ln">{n}</span>{e(text)}\n</span>'
        for n, text in rows)
    return f'<pre class="frame">{lines}</pre>'


def finding_card(report: Report, f: Finding, n: int, group_line: int) -> str:
    """One finding under its resource's header: severity, rule, message, fix, related resources."""
    severity = (f.severity or Severity.WARNING).value
    url = help_uri(report.rule(f.rule))
    rule = f'<a class="rule" href="{e(url)}">{e(f.rule)}</a>' if url else f'<span class="rule">{e(f.rule)}</span>'
    resources = [visible(name) for name in [f.resource] + [r.resource for r in f.related]]
    condition = f' <span class="muted">condition {e(f.condition)}</span>' if f.condition else ""
    own_line = f'<span class="loc">line {f.line}</span>' if f.line != group_line else ""
    related = ""
    if f.related:
        related = '<p class="related">involves ' + ", ".join(
            f"<code>{e(r.resource)}</code> <span class=\"muted\">line {r.line}</span>" for r in f.related) + "</p>"
    return (
        f'<article class="finding {severity}" id="f-{n}" data-stack="{e(stack_key(f.path, f.stack))}" '
        f'data-resource="{e(f.resource)}" data-resources="{e(json.dumps(resources))}" tabindex="0">'
        f'<div class="head"><span class="badge {severity}">{severity}</span>{rule} '
        f'<span class="name">{e(f.name)}</span>{condition}{own_line}</div>'
        f'<p class="msg">{e(safe_message(f))}</p><p class="fix"><b>Fix:</b> {e(safe_fix(f))}</p>{related}'
        f"{related_frames(f)}</article>"
    )


def resource_group(report: Report, findings: list[Finding], start: int) -> str:
    """The findings on one resource: one header, one code frame, then a card per finding
    (numbered from ``start``, so ``#f-N`` links stay stable)."""
    first = findings[0]
    where = f' <span class="muted">{e(first.construct_path)}</span>' if first.construct_path else ""
    if not first.construct_path and first.source_resource and first.source_resource != first.resource:
        where = f' <span class="muted">SAM {e(first.source_resource)}</span>'
    cards = "".join(finding_card(report, f, n, first.line) for n, f in enumerate(findings, start=start))
    secrets = sorted({s for f in findings for s in f.masked})
    return (
        f'<section class="resource"><div class="rhead"><code class="res">{e(first.resource)}</code>{where}'
        f'<span class="loc">{e(first.path)}:{first.line}</span></div>'
        f"{_frame(first.path, first.line, secrets)}{cards}</section>"
    )


def findings_section(report: Report) -> str:
    findings = report.findings
    if not findings:
        return '<p class="empty">No findings.</p>'
    out, current, n = [], None, 1
    for group in by_resource(findings):
        if group[0].path != current:
            current = group[0].path
            out.append(f'<h3 class="file">{e(current)}</h3>')
        out.append(resource_group(report, group, n))
        n += len(group)
    return "".join(out)


def scorecard(report: Report) -> str:
    cards = []
    for pillar, counts in report.by_pillar().items():
        level = "error" if counts["error"] else "warning" if counts["warning"] else "info" if counts["info"] else "ok"
        total = sum(counts.values())
        detail = " · ".join(f"{counts[s]} {s}" for s in ("error", "warning", "info") if counts[s]) or "no findings"
        cards.append(f'<div class="card {level}"><div class="pillar">{e(pillar.label)}</div>'
                     f'<div class="total">{total}</div><div class="detail">{e(detail)}</div></div>')
    return '<section class="scorecard">' + "".join(cards) + "</section>"


def extras(report: Report) -> str:
    out = []
    if report.errors:
        out.append("<h2>Files that could not be linted</h2><ul>" +
                   "".join(f"<li><code>{e(x)}</code></li>" for x in report.errors) + "</ul>")
    if report.show_suppressed and report.suppressed:
        rows = "".join(
            f"<tr><td>{e(s.finding.rule)}</td><td><code>{e(s.finding.resource)}</code></td>"
            f"<td>{e(s.finding.path)}:{s.finding.line}</td><td>{e(s.kind)}</td>"
            f"<td>{e(masked(s.reason, s.finding.masked) or 'no reason given')}</td></tr>"
            for s in report.suppressed)
        out.append(f"<h2>Suppressed ({len(report.suppressed)})</h2><table><tr><th>Rule</th><th>Resource</th>"
                   f"<th>Location</th><th>How</th><th>Reason</th></tr>{rows}</table>")
    if report.fixed:
        out.append(f"<h2>Fixed since the baseline ({len(report.fixed)})</h2><ul>" + "".join(
            f"<li>{e(x.rule)} <code>{e(x.resource)}</code> in {e(x.path)}: {e(x.message)}</li>"
            for x in report.fixed) + "</ul>")
    return "".join(out)


def _headline_html(report: Report) -> str:
    text = e(headline(report))
    return text.replace("**", "")


CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")

STYLE = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--error:#cf222e;--warning:#9a6700;
--info:#0969da;--ok:#1a7f37;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
*{box-sizing:border-box}body{margin:0;color:var(--fg);background:var(--bg);font-size:14px;line-height:1.45}
header{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--soft)}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 8px}h3.file{font-size:14px;margin:18px 0 6px;
font-family:ui-monospace,SFMono-Regular,Menlo,monospace}.muted{color:var(--muted)}
.scorecard{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;padding:16px 24px}
.card{border:1px solid var(--line);border-left:6px solid var(--ok);border-radius:8px;padding:10px 12px}
.card.error{border-left-color:var(--error)}.card.warning{border-left-color:var(--warning)}
.card.info{border-left-color:var(--info)}.card .pillar{font-weight:600}.card .total{font-size:24px;font-weight:600}
.card .detail{color:var(--muted);font-size:12px}
main{display:grid;grid-template-columns:minmax(380px,1fr) minmax(380px,1.2fr);gap:24px;padding:0 24px 24px}
@media (max-width:1000px){main{grid-template-columns:1fr}}
.toolbar{display:flex;gap:12px;align-items:center;flex-wrap:wrap;position:sticky;top:0;background:var(--bg);
padding:8px 0;z-index:2}.toolbar input[type=search]{flex:1;min-width:160px;padding:4px 8px;border:1px solid var(--line);
border-radius:6px}
.finding{border:1px solid var(--line);border-left:4px solid var(--warning);border-radius:6px;padding:8px 10px;
margin:8px 0;cursor:pointer;background:var(--bg)}.finding.error{border-left-color:var(--error)}
.finding.info{border-left-color:var(--info)}.finding.active{box-shadow:0 0 0 2px var(--info)}
.finding:focus{outline:2px solid var(--info)}.finding.hidden{display:none}
.head{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}.head .loc{margin-left:auto;color:var(--muted);
font-family:ui-monospace,Menlo,monospace;font-size:12px}.rule{font-weight:600}.name{color:var(--muted)}
.badge{font-size:11px;text-transform:uppercase;font-weight:700;border-radius:10px;padding:1px 8px;color:#fff}
.badge.error{background:var(--error)}.badge.warning{background:var(--warning)}.badge.info{background:var(--info)}
.resource{border:1px solid var(--line);border-radius:8px;padding:8px 10px;margin:10px 0}
.resource.hidden{display:none}.rhead{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.rhead .res{font-weight:600}.rhead .loc{margin-left:auto;color:var(--muted);font-family:ui-monospace,Menlo,monospace;
font-size:12px}.resource>pre.frame{margin:6px 0}
.msg{margin:6px 0}.fix{margin:4px 0;color:var(--ok)}.related{margin:4px 0;color:var(--muted)}
pre.frame{background:var(--soft);border-radius:6px;padding:6px 0;overflow:auto;font-size:12px;margin:6px 0 0}
pre.frame .ln{display:inline-block;width:44px;text-align:right;padding-right:10px;color:var(--muted);user-select:none}
pre.frame .row{display:block}pre.frame .row.hit{background:#fff8c5}
.architecture{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto}
details.graph{border:1px solid var(--line);border-radius:8px;margin:8px 0}
details.graph>summary{padding:6px 10px;cursor:pointer;background:var(--soft);border-radius:8px}
.canvas{overflow:auto;padding:4px}svg.arch{max-width:100%;height:auto}.canvas.actual svg.arch{max-width:none}
.zoom{float:right;font-size:12px;margin:0 4px}svg.defs{position:absolute}
.node rect{fill:#fff;stroke:#8c959f;stroke-width:1.5}.node text.label{font-size:13px;font-weight:600;fill:var(--fg)}
.node text.type{font-size:11px;fill:var(--muted)}.node{cursor:pointer}
.node.flagged.error rect{stroke:var(--error);stroke-width:3;fill:#ffebe9}
.node.flagged.warning rect{stroke:var(--warning);stroke-width:3;fill:#fff8c5}
.node.foreign rect{stroke-dasharray:5 3;fill:#f6f8fa}
.node.flagged.info rect{stroke:var(--info);stroke-width:2;fill:#ddf4ff}
circle.count{fill:var(--error)}text.count{font-size:11px;fill:#fff;font-weight:700}
.edge{stroke-width:1.6}svg.dim .node:not(.selected){opacity:.3}svg.dim .edge:not(.selected){opacity:.15}
.node.selected rect{stroke:#0969da;stroke-width:4}.edge.selected{stroke-width:3}
.legend{display:flex;flex-wrap:wrap;gap:10px;color:var(--muted);font-size:12px;align-items:center}
.legend span{display:inline-flex;gap:4px;align-items:center}
.swatch{width:12px;height:12px;border-radius:3px;display:inline-block;border:2px solid}
.swatch.error{border-color:var(--error)}.swatch.warning{border-color:var(--warning)}.swatch.info{border-color:var(--info)}
table{border-collapse:collapse}td,th{border:1px solid var(--line);padding:4px 8px;text-align:left}
footer{padding:12px 24px;color:var(--muted);border-top:1px solid var(--line)}.empty{font-size:16px;color:var(--ok)}
body.hide-error .finding.error,body.hide-warning .finding.warning,body.hide-info .finding.info{display:none}
"""

SCRIPT = """
(function () {
  "use strict";
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }
  function clear() {
    each(".selected", function (el) { el.classList.remove("selected"); });
    each(".finding.active", function (el) { el.classList.remove("active"); });
    each("svg.arch.dim", function (el) { el.classList.remove("dim"); });
  }
  function figureFor(stack) {
    var graphs = document.querySelectorAll("details.graph");
    for (var i = 0; i < graphs.length; i++) { if (graphs[i].getAttribute("data-stack") === stack) return graphs[i]; }
    return null;
  }
  function select(card, scroll) {
    clear();
    card.classList.add("active");
    var names = JSON.parse(card.getAttribute("data-resources") || "[]");
    var figure = figureFor(card.getAttribute("data-stack"));
    if (!figure) return 0;
    figure.open = true;
    var svg = figure.querySelector("svg.arch");
    var hits = 0;
    Array.prototype.forEach.call(figure.querySelectorAll(".node"), function (node) {
      if (names.indexOf(node.getAttribute("data-id")) >= 0) { node.classList.add("selected"); hits++; }
    });
    Array.prototype.forEach.call(figure.querySelectorAll(".edge"), function (edge) {
      if (names.indexOf(edge.getAttribute("data-from")) >= 0 && names.indexOf(edge.getAttribute("data-to")) >= 0) {
        edge.classList.add("selected");
      }
    });
    if (svg && hits) svg.classList.add("dim");
    if (scroll && figure.scrollIntoView) figure.scrollIntoView({block: "nearest"});
    if (history.replaceState) history.replaceState(null, "", "#" + card.id);
    document.body.setAttribute("data-selected", card.id);
    return hits;
  }
  findings.forEach(function (card) {
    card.addEventListener("click", function (ev) {
      if (ev.target && ev.target.tagName === "A") return;
      select(card, true);
    });
    card.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(card, true); }
    });
  });
  each(".node", function (node) {
    node.addEventListener("click", function () {
      var stack = node.closest("details.graph").getAttribute("data-stack");
      var id = node.getAttribute("data-id");
      for (var i = 0; i < findings.length; i++) {
        var card = findings[i];
        if (card.getAttribute("data-stack") === stack && card.getAttribute("data-resource") === id) {
          select(card, false);
          card.scrollIntoView({block: "center"});
          return;
        }
      }
    });
  });
  function refreshGroups() {  // a resource whose findings are all filtered out is hidden too
    each(".resource", function (group) {
      group.classList.remove("hidden");
      var shown = Array.prototype.some.call(group.querySelectorAll(".finding"), function (card) {
        return window.getComputedStyle(card).display !== "none";
      });
      group.classList.toggle("hidden", !shown);
    });
  }
  each(".toolbar input[type=checkbox]", function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.value, !box.checked);
      refreshGroups();
    });
  });
  var search = document.querySelector(".toolbar input[type=search]");
  if (search) {
    search.addEventListener("input", function () {
      var q = search.value.toLowerCase();
      findings.forEach(function (card) {
        var text = (card.closest(".resource").querySelector(".rhead").textContent + " " + card.textContent);
        card.classList.toggle("hidden", q !== "" && text.toLowerCase().indexOf(q) < 0);
      });
      refreshGroups();
    });
  }
  each("button.zoom", function (button) {
    button.addEventListener("click", function () {
      var canvas = button.closest("details.graph").querySelector(".canvas");
      button.textContent = canvas.classList.toggle("actual") ? "fit to width" : "actual size";
    });
  });
  if (location.hash.length > 1) {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.classList.contains("finding")) select(target, false);
  }
  document.body.setAttribute("data-ready", "true");
})();
"""


def render_html(report: Report) -> str:
    toolbar = ('<div class="toolbar">' + "".join(
        f'<label><input type="checkbox" value="{s}" checked> {s}</label>' for s in ("error", "warning", "info"))
        + '<input type="search" placeholder="filter findings…" aria-label="filter findings"></div>')
    return guard_lines(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wa-lint report</title><style>{STYLE}</style></head>
<body>
<header><h1>wa-lint: Well-Architected Serverless Lens</h1><p>{_headline_html(report)}</p></header>
{scorecard(report)}
<main><section class="findings"><h2>Findings</h2>{toolbar}{findings_section(report)}{extras(report)}</section>
<section class="architecture"><h2>Architecture</h2>{drawings(report)}</section></main>
<footer>wa-lint {e(__version__)} · click a finding to highlight its resources · click a resource to find its findings
</footer>
<script>{SCRIPT}</script>
</body></html>
""", colon="&#58;", hash_="&#35;")
