"""Node.js handler analysis (JavaScript and TypeScript) with tree-sitter.

Recognises AWS SDK v3 (``client.send(new SendMessageCommand(...))``, aggregated clients such as
``new SQS({}).sendMessage(...)``, ``DynamoDBDocumentClient.from(...)`` with ``PutCommand``) and v2
(``new AWS.SQS().sendMessage(...).promise()``, ``new AWS.DynamoDB.DocumentClient().put(...)``,
``require('aws-sdk/clients/sqs')``), through ``import`` and ``require`` alike. The rest follows the
same line as the Python analysis (:mod:`wa_lint.code.python`): reading fields, JSON, ids, dates,
``for``/``map`` over records, null checks, logging and Powertools are trivial; comparisons,
arithmetic, ``switch``, HTTP and calls into other libraries are logic.

tree-sitter is imported only when a Node.js file must be parsed; a file that does not parse
cleanly is no evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from wa_lint.code.facts import CodeFacts, SdkCall, iam_service, pascal

HTTP_PACKAGES = frozenset({"axios", "node-fetch", "got", "https", "http", "undici", "superagent", "request",
                           "node:https", "node:http", "cross-fetch", "ky"})
TRIVIAL_PACKAGES = frozenset({"uuid", "crypto", "node:crypto", "@aws-sdk/util-dynamodb", "aws-lambda"})
NEUTRAL_PREFIXES = ("@aws-lambda-powertools/", "aws-xray-sdk")
#: ``Global.method`` calls that are encoding, ids, dates, collections or logging.
TRIVIAL_GLOBALS = {
    "JSON": {"parse", "stringify"}, "Date": {"now"}, "Promise": {"all", "allSettled", "resolve", "reject"},
    "Object": {"assign", "keys", "entries", "values", "fromEntries"}, "Buffer": {"from", "concat"},
    "crypto": {"randomUUID"}, "Array": {"from", "isArray"},
}
#: Also the legacy handler callback (``callback(null, result)``).
TRIVIAL_FUNCTIONS = frozenset({"require", "String", "Number", "Boolean", "parseInt", "parseFloat",
                               "encodeURIComponent", "decodeURIComponent", "Date", "callback", "cb",
                               "resolve", "reject"})  # a promise executor's settle functions
#: ``context.succeed(result)`` and friends: the legacy way of returning.
CONTEXT_METHODS = frozenset({"succeed", "fail", "done", "getRemainingTimeInMillis"})
TRIVIAL_CLASSES = frozenset({"Date", "Error", "TypeError", "RangeError", "URLSearchParams", "Map", "Set",
                             "Promise"})  # wrapping a v2 SDK callback: new Promise((resolve, reject) => …)
DATA_METHODS = frozenset({"map", "forEach", "push", "concat", "toString", "toISOString", "toJSON", "then",
                          "catch", "finally", "getRemainingTimeInMillis", "flatMap", "entries", "keys",
                          "values", "get", "join"})
LOG_METHODS = frozenset({"log", "info", "warn", "error", "debug", "trace"})
CLIENT_PLUMBING = frozenset({"send", "destroy", "promise", "middlewareStack", "config"})
FUNCTION_NODES = frozenset({"arrow_function", "function_expression", "function"})
COMPARISONS = frozenset({"<", ">", "<=", ">=", "==", "===", "!=", "!==", "instanceof"})
ARITHMETIC = frozenset({"-", "*", "/", "%", "**", "&", "|", "^", "<<", ">>", ">>>"})
DOC_ACTIONS = {"put": "PutItem", "get": "GetItem", "update": "UpdateItem", "delete": "DeleteItem",
               "query": "Query", "scan": "Scan", "batchWrite": "BatchWriteItem", "batchGet": "BatchGetItem",
               "transactWrite": "TransactWriteItems", "transactGet": "TransactGetItems"}
LIB_DYNAMODB = {"Put": "PutItem", "Get": "GetItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                "BatchWrite": "BatchWriteItem", "BatchGet": "BatchGetItem", "TransactWrite": "TransactWriteItems",
                "TransactGet": "TransactGetItems"}
V3_PACKAGE = re.compile(r"^@aws-sdk/(client-[a-z0-9-]+|lib-dynamodb)$")
V2_CLIENT_PACKAGE = re.compile(r"^aws-sdk/clients/([a-z0-9]+)$")

# What an expression stands for: ("v2ns",), ("v3ns", svc), ("v2class", svc), ("class", svc, flavour),
# ("client", svc, flavour), ("command", svc, action), ("sdkfn", svc, action), ("module", kind)
# where flavour is "send" (v3 bare client), "methods" (v2 / v3 aggregated) or "doc" (document client).
Value = tuple[str, ...]


@cache
def _parser(language: str) -> Any:
    import tree_sitter

    if language == "typescript":
        import tree_sitter_typescript

        lang = tree_sitter.Language(tree_sitter_typescript.language_typescript())
    else:
        import tree_sitter_javascript

        lang = tree_sitter.Language(tree_sitter_javascript.language())
    return tree_sitter.Parser(lang)


def _text(node: Any) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")


MAX_NAME_BYTES = 256
"""Longest expression looked up as a name: ``_text`` copies the node's source, so looking up every
level of a long chain would be quadratic."""


def _short(source: bytes, node: Any) -> str:
    """The node's code on one line, cut at 50 characters. Only as much source is decoded as the cut
    needs (doubling), so describing each of 60,000 nested comparisons stays linear."""
    start, end = node.start_byte, node.end_byte
    window = 256
    while True:
        stop = min(end, start + window)
        text = " ".join(source[start:stop].decode("utf-8", "replace").split())
        if len(text) > 50:
            return text[:47] + "..."
        if stop == end:
            return text
        window *= 2


def _line(node: Any) -> int:
    return int(node.start_point[0]) + 1


def _string_value(node: Any) -> str | None:
    if node is not None and node.type in ("string", "template_string") and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return _text(node)[1:-1]
    return None


def _service_of_package(package: str) -> Value | None:
    if package == "aws-sdk":
        return ("v2ns",)
    m = V3_PACKAGE.match(package)
    if m:
        return "v3ns", iam_service(m.group(1).removeprefix("client-"))
    m = V2_CLIENT_PACKAGE.match(package)
    if m:
        return "v2class", iam_service(m.group(1))
    if package in HTTP_PACKAGES:
        return "module", "http"
    if package in TRIVIAL_PACKAGES:
        return "module", "trivial"
    if package.startswith(NEUTRAL_PREFIXES):
        return "module", "neutral"
    return None


def _member(owner: Value, name: str) -> Value | None:
    """What ``owner.name`` (or a named import of it) stands for."""
    kind = owner[0]
    if kind == "v2ns":
        return ("v2class", iam_service(name.lower())) if name[:1].isupper() else ("module", "neutral")
    if kind == "v2class":
        return ("class", "dynamodb", "doc") if name == "DocumentClient" else None
    if kind == "v3ns":
        svc = owner[1]
        if name.endswith("Command") and len(name) > 7:
            base = name[:-7]
            action = LIB_DYNAMODB.get(base, base) if svc == "dynamodb" else base
            return "command", svc, action
        if name == "DynamoDBDocument":
            return "class", svc, "doc"
        if name.endswith("Client") or name == "DynamoDBDocumentClient":
            return "class", svc, "send"
        if name.startswith("paginate") and len(name) > 8:
            return "sdkfn", svc, name[8:]
        if name[:1].isupper():
            return "class", svc, "methods"
        return "module", "trivial"
    if kind == "module":
        return owner
    return None


class _Analyser:
    def __init__(self, facts: CodeFacts, source: bytes) -> None:
        self.facts = facts
        self.source = source
        self.names: dict[str, Value] = {}
        self.local_funcs: set[str] = set()

    # -- setup -------------------------------------------------------------------------------
    def collect(self, root: Any) -> None:
        bindings: list[tuple[Any, Any]] = []
        for node in _walk(root):
            t = node.type
            if t == "import_statement":
                self._import(node)
            elif t in ("function_declaration", "generator_function_declaration"):
                name = node.child_by_field_name("name")
                if name is not None:
                    self.local_funcs.add(_text(name))
            elif t == "variable_declarator":
                name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
                if name is not None and value is not None:
                    if value.type in FUNCTION_NODES and name.type == "identifier":
                        self.local_funcs.add(_text(name))
                    bindings.append((name, value))
            elif t == "assignment_expression":
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                if left is not None and right is not None:
                    bindings.append((left, right))
        for _ in range(3):
            for target, value in bindings:
                self._bind(target, value)

    def _import(self, node: Any) -> None:
        source = _string_value(node.child_by_field_name("source"))
        owner = _service_of_package(source) if source else None
        if owner is None:
            return
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":  # default import
                    self.names[_text(part)] = owner
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        self.names[_text(ident)] = owner
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                        if name is None:
                            continue
                        value = _member(owner, _text(name))
                        if value is not None:
                            self.names[_text(alias or name)] = value

    def _bind(self, target: Any, value_node: Any) -> None:
        value = self.value_of(value_node)
        if value is None:
            return
        if target.type in ("identifier", "member_expression"):
            if target.end_byte - target.start_byte <= MAX_NAME_BYTES:
                self.names[_text(target)] = value
        elif target.type == "object_pattern":
            for part in target.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    member = _member(value, _text(part))
                    if member is not None:
                        self.names[_text(part)] = member
                elif part.type == "pair_pattern":
                    key, alias = part.child_by_field_name("key"), part.child_by_field_name("value")
                    member = _member(value, _text(key)) if key is not None else None
                    if member is not None and alias is not None and alias.type == "identifier":
                        self.names[_text(alias)] = member

    def value_of(self, node: Any) -> Value | None:
        """What an expression stands for, when it is SDK- or module-related."""
        t = node.type
        if t in ("parenthesized_expression", "await_expression", "as_expression", "non_null_expression",
                 "satisfies_expression"):
            inner = node.named_children[0] if node.named_children else None
            return self.value_of(inner) if inner is not None else None
        if t in ("identifier", "this"):
            return self.names.get(_text(node))
        if t == "member_expression":
            short = node.end_byte - node.start_byte <= MAX_NAME_BYTES
            known = self.names.get(_text(node)) if short else None
            if known is not None:
                return known
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            owner = self.value_of(obj) if obj is not None else None
            return _member(owner, _text(prop)) if owner is not None and prop is not None else None
        if t == "new_expression":
            ctor = node.child_by_field_name("constructor")
            cls = self.value_of(ctor) if ctor is not None else None
            if cls is not None and cls[0] == "class":
                return "client", cls[1], cls[2]
            if cls is not None and cls[0] == "v2class":
                return "client", cls[1], "methods"
            return cls if cls is not None and cls[0] == "module" else None  # new Tracer(): neutral
        if t == "call_expression":
            func, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            if func is not None and func.type in ("identifier", "import") and _text(func) == "require":
                package = _string_value(first)
                return _service_of_package(package) if package else None
            if func is not None and func.type == "member_expression":
                prop = func.child_by_field_name("property")
                owner = self.value_of(func.child_by_field_name("object"))
                if owner is not None and owner[0] == "class" and prop is not None and _text(prop) == "from":
                    return "client", owner[1], owner[2]  # DynamoDBDocumentClient.from(client)
            callee = self.value_of(func) if func is not None else None
            if callee == ("module", "neutral") and first is not None:
                return self.value_of(first)  # tracer.captureAWSv3Client(client), AWSXRay.captureAWS(AWS)
        return None

    # -- the walk ----------------------------------------------------------------------------
    def visit(self, root: Any) -> None:
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            node, null_test = stack.pop()
            t = node.type
            line = _line(node)
            children = node.named_children
            if t in ("if_statement", "ternary_expression"):
                cond = node.child_by_field_name("condition")
                if cond is not None:
                    if not _null_check(cond):
                        self.facts.add_extra(f"branches on data (`if {_short(self.source, cond)}`)", line)
                    stack.extend((c, c == cond) for c in children)
                    continue
            elif t == "for_statement":  # for (let i = 0; i < records.length; i++): iteration, not logic
                cond = node.child_by_field_name("condition")
                stack.extend((c, c == cond) for c in children)
                continue
            elif t == "switch_statement":
                self.facts.add_extra("branches on data (`switch`)", line)
            elif t in ("while_statement", "do_statement"):
                self.facts.add_extra("loops while a condition holds", line)
            elif t in ("class_declaration", "class"):
                self.facts.add_extra("defines a class", line)
            elif t == "binary_expression":
                op = _operator(node)
                if op in COMPARISONS and not null_test:
                    self.facts.add_extra(f"compares data (`{_short(self.source, node)}`)", line)
                elif op in ARITHMETIC:
                    self.facts.add_extra(f"computes (`{_short(self.source, node)}`)", line)
            elif t == "call_expression":
                self._call(node)
            elif t == "new_expression":
                self._new(node)
            elif t in ("member_expression", "subscript_expression", "object_pattern"):
                self._body_read(node)
            keep = null_test and t in ("binary_expression", "unary_expression", "parenthesized_expression")
            stack.extend((c, keep) for c in reversed(children))

    def _body_read(self, node: Any) -> None:
        """Record reads of a request body: ``event.body``, ``event["body"]``, ``const { body } = event``
        (not ``response.body = …``, which writes one)."""
        t = node.type
        if t == "object_pattern":
            for part in node.named_children:
                key = part if part.type == "shorthand_property_identifier_pattern" else part.child_by_field_name("key")
                if key is not None and _text(key).strip("'\"") == "body":
                    self.facts.add_body_read(_short(self.source, node), _line(node))
                    return
            return
        parent = node.parent
        if parent is not None and parent.type in ("assignment_expression", "augmented_assignment_expression") \
                and parent.child_by_field_name("left") == node:
            return
        if t == "member_expression":
            prop = node.child_by_field_name("property")
            hit = prop is not None and _text(prop) == "body"
        else:
            hit = _string_value(node.child_by_field_name("index")) == "body"
        if hit:
            self.facts.add_body_read(_short(self.source, node), _line(node))

    def _new(self, node: Any) -> None:
        ctor = node.child_by_field_name("constructor")
        if ctor is None:
            return
        value = self.value_of(ctor)
        if value is not None and value[0] == "command":
            self.facts.calls.append(SdkCall(value[1], value[2], _line(node), f"new {_text(ctor)}"))
            return
        if value is not None or _text(ctor) in TRIVIAL_CLASSES:
            return
        self.facts.add_extra(f"creates `{_short(self.source, ctor)}`", _line(node))

    def _call(self, node: Any) -> None:
        func = node.child_by_field_name("function")
        if func is None:
            return
        line = _line(node)
        if func.type == "member_expression":
            obj, prop_node = func.child_by_field_name("object"), func.child_by_field_name("property")
            prop = _text(prop_node) if prop_node is not None else ""
            owner = self.value_of(obj) if obj is not None else None
            if owner is not None and owner[0] == "client":
                if prop not in CLIENT_PLUMBING:
                    action = DOC_ACTIONS.get(prop, pascal(prop)) if owner[2] == "doc" else pascal(prop)
                    self.facts.calls.append(SdkCall(owner[1], action, line, _short(self.source, func)))
                return
            if owner is not None and owner[0] in ("class", "module", "v2ns", "v3ns", "v2class"):
                if owner == ("module", "http"):
                    self.facts.add_extra(f"makes an HTTP request (`{_short(self.source, func)}`)", line)
                return
            root = _root_name(func)
            if root in TRIVIAL_GLOBALS and prop in TRIVIAL_GLOBALS[root]:
                return
            if root == "console" or prop in DATA_METHODS or prop in LOG_METHODS or prop in ("promise", "send"):
                return
            if root == "context" and prop in CONTEXT_METHODS:
                return
            if prop == "replace" and _plus_to_space(node):
                return  # URL-decoding an S3 key: key.replace(/\+/g, ' ')
            self.facts.add_extra(f"calls `{_short(self.source, func)}`", line)
            return
        name = _text(func)
        value = self.value_of(func)
        if value is not None and value[0] == "sdkfn":
            self.facts.calls.append(SdkCall(value[1], value[2], line, name))
            return
        if value == ("module", "http") or name == "fetch":
            self.facts.add_extra(f"makes an HTTP request (`{name}`)", line)
            return
        if value is not None or name in TRIVIAL_FUNCTIONS or name in self.local_funcs:
            return
        self.facts.add_extra(f"calls `{_short(self.source, func)}`", line)


def _plus_to_space(call: Any) -> bool:
    r"""``x.replace(/\+/g, " ")``: the first half of URL-decoding an S3 object key."""
    args = call.child_by_field_name("arguments")
    parts = args.named_children if args is not None else []
    return (len(parts) == 2 and parts[0].type == "regex" and _text(parts[0]).startswith("/\\+/")
            and _string_value(parts[1]) in (" ", "%20"))


def _walk(root: Any) -> Iterator[Any]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.named_children)


def _operator(node: Any) -> str:
    op = node.child_by_field_name("operator")
    return _text(op) if op is not None else ""


def _root_name(node: Any) -> str:
    while node is not None and node.type == "member_expression":
        node = node.child_by_field_name("object")
    return _text(node) if node is not None and node.type == "identifier" else ""


def _null_check(node: Any) -> bool:
    """Whether a condition only asks "is it there": truthiness, ``== null``, ``=== undefined``,
    ``typeof x === 'undefined'``, ``'key' in obj``, and ``!``/``&&``/``||`` of those."""
    t = node.type
    if t == "parenthesized_expression":
        return all(_null_check(c) for c in node.named_children)
    if t in ("identifier", "member_expression", "subscript_expression"):
        return True
    if t == "unary_expression":
        op = _operator(node)
        arg = node.child_by_field_name("argument")
        return op == "!" and arg is not None and _null_check(arg)
    if t == "binary_expression":
        op = _operator(node)
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return False
        if op in ("&&", "||", "??"):
            return _null_check(left) and _null_check(right)
        if op in ("==", "===", "!=", "!=="):
            sides = (left, right)
            if any(s.type in ("null", "undefined") for s in sides):
                return True
            typeof = any(s.type == "unary_expression" and _operator(s) == "typeof" for s in sides)
            return typeof and any(_string_value(s) == "undefined" for s in sides)
        if op == "in":
            return _string_value(left) is not None
    return False


def analyse_node(text: str, display: str, language: str) -> CodeFacts | None:
    """The facts of one JavaScript/TypeScript file, or None when it does not parse cleanly."""
    try:
        source = text.encode("utf-8")
        tree = _parser(language).parse(source)
    except Exception:  # noqa: BLE001  # a parser failure of any kind is "no evidence"
        return None
    if tree.root_node.has_error:
        return None
    facts = CodeFacts(language, display)
    analyser = _Analyser(facts, source)
    try:
        analyser.collect(tree.root_node)
        analyser.visit(tree.root_node)
    except RecursionError:  # expressions nested thousands deep (f()()()…): no evidence either
        return None
    return facts
