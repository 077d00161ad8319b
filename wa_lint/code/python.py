"""Python handler analysis with :mod:`ast`: boto3 calls, and anything that is more than forwarding.

The whole module is read, not only the handler function: a helper the handler calls is part of
what it does, and code that never runs only makes the verdict more cautious. Clients are the
names bound to ``boto3.client(...)`` / ``boto3.resource(...)`` (also via a session, lazily in a
handler, or on ``self``) and the sub-resources made from them (``Table``, ``Queue``, ``Topic``,
``Object``, ``Bucket``, a ``batch_writer``).

What counts as *trivial* (still a forwarder) is decided here, in one place: reading fields,
building a dict/list from them, JSON and base64 encoding, a generated id or timestamp, ``for`` over
the event's records, ``try``/``except``, null/absent checks with an early return, logging,
Powertools logging/tracing/metrics/batch helpers, calling functions of the same module. Anything
else is logic: a comparison or branch on a value, arithmetic, string manipulation, a call into
another library or over HTTP, a class.
"""

from __future__ import annotations

import ast
import warnings

from wa_lint.code.facts import CodeFacts, SdkCall, iam_service, pascal

HTTP_MODULES = frozenset({"requests", "urllib", "urllib3", "http", "httpx", "aiohttp", "botocore.vendored"})
#: ``module.function`` calls that are encoding, ids, time, environment or logging.
TRIVIAL_FUNCS = frozenset(
    {
        "json.loads", "json.dumps", "os.getenv", "os.environ.get", "base64.b64encode", "base64.b64decode",
        "base64.urlsafe_b64encode", "base64.urlsafe_b64decode", "uuid.uuid4", "uuid.uuid1", "time.time",
        "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.now", "datetime.utcnow",
        "datetime.datetime.fromtimestamp", "datetime.fromtimestamp", "logging.getLogger",
        "logging.basicConfig", "decimal.Decimal", "Decimal", "datetime.timezone",
        # URL-decoding an S3 key (``+`` for spaces) is what every S3 consumer must do: not logic
        "urllib.parse.unquote_plus", "urllib.parse.unquote", "urllib.parse.quote", "urllib.parse.quote_plus",
    }
)
TRIVIAL_MODULES = frozenset({"logging"})
BUILTINS = frozenset(
    {"str", "int", "float", "bool", "dict", "list", "tuple", "set", "len", "print", "enumerate", "range",
     "zip", "repr", "isinstance", "Exception", "ValueError", "KeyError", "RuntimeError", "TypeError"}
)
#: Methods on plain data that read, copy, collect or encode.
DATA_METHODS = frozenset(
    {"get", "items", "keys", "values", "append", "extend", "encode", "decode", "format", "isoformat", "join",
     "copy", "update", "setdefault", "pop", "strftime", "timestamp", "get_remaining_time_in_millis"}
)
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
POWERTOOLS_OK = ("aws_lambda_powertools.logging", "aws_lambda_powertools.tracing", "aws_lambda_powertools.metrics",
                 "aws_lambda_powertools.utilities.batch", "aws_lambda_powertools.utilities.data_classes",
                 "aws_lambda_powertools.utilities.typing")
POWERTOOLS_TOP = frozenset({"Logger", "Tracer", "Metrics", "single_metric"})
ARITHMETIC = (ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Pow, ast.MatMult, ast.BitAnd, ast.BitOr,
              ast.BitXor, ast.LShift, ast.RShift)
#: Sub-resource methods whose API name is not the method name in PascalCase.
SUB_ACTIONS = {
    ("s3", "Object", "get"): "GetObject", ("s3", "Object", "put"): "PutObject",
    ("s3", "Object", "delete"): "DeleteObject", ("s3", "Object", "upload_file"): "PutObject",
    ("s3", "Object", "download_file"): "GetObject", ("s3", "Bucket", "upload_file"): "PutObject",
    ("s3", "Bucket", "download_file"): "GetObject", ("dynamodb", "BatchWriter", "put_item"): "BatchWriteItem",
    ("dynamodb", "BatchWriter", "delete_item"): "BatchWriteItem",
}
NOT_CALLS = frozenset({"get_waiter", "can_paginate", "close", "meta", "exceptions"})
#: Attributes through which a handler reads an HTTP request body: Powertools event classes
#: (``event.body``, ``app.current_event.json_body``), Flask's ``request.get_json()``.
BODY_ATTRS = frozenset({"body", "json_body", "decoded_body", "get_json"})

Sdk = tuple[str, str, str]  # ("client" | "resource" | "sub", service, sub-resource kind)


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of names and attributes."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _const_str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _short(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 50 else text[:47] + "..."


class _Analyser:
    def __init__(self, facts: CodeFacts) -> None:
        self.facts = facts
        self.aliases: dict[str, str] = {}  # local name → module or module.name it stands for
        self.sdk: dict[str, Sdk] = {}  # variable (or self.x) → SDK object
        self.sessions: set[str] = set()
        self.neutral: set[str] = set()  # Powertools / logging objects
        self.local_funcs: set[str] = set()

    # -- setup -------------------------------------------------------------------------------
    def collect(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                    if node.module.startswith(POWERTOOLS_OK) or (
                        node.module == "aws_lambda_powertools" and a.name in POWERTOOLS_TOP
                    ):
                        self.neutral.add(a.asname or a.name)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.local_funcs.add(node.name)
        bindings = [n for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AnnAssign, ast.withitem))]
        for _ in range(3):  # chains: resource → Table → batch_writer
            for node in bindings:
                self._bind(node)

    def _bind(self, node: ast.Assign | ast.AnnAssign | ast.withitem) -> None:
        value: ast.expr | None
        if isinstance(node, ast.withitem):
            value, targets = node.context_expr, [node.optional_vars] if node.optional_vars else []
        elif isinstance(node, ast.Assign):
            value, targets = node.value, list(node.targets)
        else:
            value, targets = node.value, [node.target]
        if value is None:
            return
        names = [n for n in (_dotted(t) for t in targets if t is not None) if n]
        if not names:
            return
        sdk = self.sdk_of(value)
        for name in names:
            if sdk is not None:
                self.sdk[name] = sdk
            elif self._is_session(value):
                self.sessions.add(name)
            elif isinstance(value, ast.Call) and self._is_neutral_callee(value.func):
                self.neutral.add(name)

    def _module(self, dotted: str) -> str:
        """A dotted name with its first part replaced by what it was imported as."""
        head, _, rest = dotted.partition(".")
        full = self.aliases.get(head, head)
        return f"{full}.{rest}" if rest else full

    def _is_session(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            return name is not None and self._module(name) in ("boto3.Session", "boto3.session.Session")
        return False

    def _is_neutral_callee(self, func: ast.AST) -> bool:
        name = _dotted(func)
        if name is None:
            return False
        return name.split(".")[0] in self.neutral or self._module(name) in ("logging.getLogger",)

    def sdk_of(self, node: ast.AST) -> Sdk | None:
        """The SDK object an expression evaluates to: a client, a resource, a sub-resource."""
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = _dotted(node)
            return self.sdk.get(name) if name else None
        if isinstance(node, ast.Await):
            return self.sdk_of(node.value)
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Attribute, ast.Name)):
            return None
        factory = self._factory(node)
        if factory is not None:
            return factory
        if isinstance(node.func, ast.Attribute):
            owner = self.sdk_of(node.func.value)
            method = node.func.attr
            if owner is not None and owner[0] == "resource" and method[:1].isupper():
                return "sub", owner[1], method
            if owner is not None and owner[0] == "resource" and method == "get_queue_by_name":
                return "sub", owner[1], "Queue"
            if owner is not None and owner[0] == "sub" and method == "batch_writer":
                return "sub", owner[1], "BatchWriter"
        return None

    def _factory(self, call: ast.Call) -> Sdk | None:
        """``boto3.client('sqs')``, ``session.resource('dynamodb')``, ``client('s3')``."""
        func = call.func
        if isinstance(func, ast.Attribute):
            kind = func.attr
            owner = _dotted(func.value)
            ok = (owner is not None and (self._module(owner) in ("boto3", "boto3.session") or owner in self.sessions)) \
                or self._is_session(func.value)
        elif isinstance(func, ast.Name):
            ok = self._module(func.id) in ("boto3.client", "boto3.resource")
            kind = self._module(func.id).rpartition(".")[2]
        else:
            return None
        if not ok or kind not in ("client", "resource"):
            return None
        service = _const_str(call.args[0]) if call.args else None
        for kw in call.keywords:
            if kw.arg == "service_name":
                service = _const_str(kw.value)
        if service is None:
            return None
        return kind, iam_service(service), ""

    # -- the walk ----------------------------------------------------------------------------
    def _body_read(self, node: ast.AST) -> None:
        """Record reads of a request body: ``event["body"]``, ``event.get("body")``, ``.json_body``."""
        if _reads_body(node):
            self.facts.add_body_read(_short(node), getattr(node, "lineno", 0))

    def visit(self, node: ast.AST, null_test: bool = False) -> None:
        line = getattr(node, "lineno", 0)
        self._body_read(node)
        if isinstance(node, ast.ClassDef):
            self.facts.add_extra(f"defines class {node.name}", line)
        elif isinstance(node, (ast.If, ast.IfExp)):
            if not _null_check(node.test):
                self.facts.add_extra(f"branches on data (`if {_short(node.test)}`)", line)
            self.visit(node.test, null_test=True)
            for child in ast.iter_child_nodes(node):
                if child is not node.test:
                    self.visit(child)
            return
        elif isinstance(node, ast.comprehension):
            for cond in node.ifs:
                if not _null_check(cond):
                    self.facts.add_extra(f"filters data (`if {_short(cond)}`)", line)
        elif isinstance(node, ast.While):
            self.facts.add_extra(f"loops while `{_short(node.test)}`", line)
        elif isinstance(node, ast.Match):
            self.facts.add_extra("matches on data (`match`)", line)
        elif isinstance(node, ast.Assert):
            self.facts.add_extra(f"validates (`assert {_short(node.test)}`)", line)
        elif isinstance(node, ast.Compare) and not null_test:
            self.facts.add_extra(f"compares data (`{_short(node)}`)", line)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ARITHMETIC):
            self.facts.add_extra(f"computes (`{_short(node)}`)", line)
        elif isinstance(node, ast.Call):
            self._call(node)
        for child in ast.iter_child_nodes(node):
            self.visit(child, null_test and isinstance(node, (ast.BoolOp, ast.UnaryOp, ast.Compare)))

    def _call(self, call: ast.Call) -> None:
        line = call.lineno
        func = call.func
        if self._factory(call) is not None or self._is_session(call):
            return
        if isinstance(func, ast.Attribute):
            if self.sdk_of(call) is not None:  # resource.Table(...), table.batch_writer() and friends
                return
            owner = self.sdk_of(func.value)
            if owner is not None:
                self._sdk_call(owner, func.attr, call)
                return
        name = _dotted(func)
        if name is None:
            if isinstance(func, ast.Attribute) and func.attr in DATA_METHODS | LOG_METHODS:
                return
            self.facts.add_extra(f"calls `{_short(func)}`", line)
            return
        head = name.split(".")[0]
        full = self._module(name)
        if full in TRIVIAL_FUNCS or full.split(".")[0] in TRIVIAL_MODULES or head in self.neutral:
            return
        if any(full == m or full.startswith(m + ".") for m in HTTP_MODULES):
            self.facts.add_extra(f"makes an HTTP request (`{name}`)", line)
            return
        if "." not in name:
            if name in BUILTINS or name in self.local_funcs:
                return
            self.facts.add_extra(f"calls `{name}()`", line)
            return
        method = name.rsplit(".", 1)[1]
        if head not in self.aliases and (method in DATA_METHODS or method in LOG_METHODS):
            return  # a method on a variable: reading data or logging
        self.facts.add_extra(f"calls `{name}()`", line)

    def _sdk_call(self, owner: Sdk, method: str, call: ast.Call) -> None:
        kind, service, sub = owner
        written = _short(call.func)
        if method in NOT_CALLS or method.startswith("_"):
            return
        if method in ("generate_presigned_url", "generate_presigned_post"):
            self.facts.add_extra("creates a pre-signed URL", call.lineno)
            return
        if kind == "client":
            paginated = _const_str(call.args[0]) if method == "get_paginator" and call.args else None
            action = pascal(paginated or method)
        elif kind == "sub":
            action = SUB_ACTIONS.get((service, sub, method), pascal(method))
        else:
            return  # resource-level helpers other than sub-resources
        if action:
            self.facts.calls.append(SdkCall(service, action, call.lineno, written))


def _reads_body(node: ast.AST) -> bool:
    if isinstance(node, ast.Subscript):
        return isinstance(node.ctx, ast.Load) and _const_str(node.slice) == "body"
    if isinstance(node, ast.Attribute):
        return isinstance(node.ctx, ast.Load) and node.attr in BODY_ATTRS
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
            and bool(node.args) and _const_str(node.args[0]) == "body")


def _null_check(test: ast.AST) -> bool:
    """Whether a condition only asks "is it there": truthiness, ``is None``, ``'key' in d``."""
    if isinstance(test, ast.BoolOp):
        return all(_null_check(v) for v in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _null_check(test.operand)
    if isinstance(test, (ast.Name, ast.Attribute, ast.Subscript)):
        return True
    if isinstance(test, ast.Call):
        return isinstance(test.func, ast.Attribute) and test.func.attr == "get"
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op, left, right = test.ops[0], test.left, test.comparators[0]
        if isinstance(op, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)):
            return any(isinstance(side, ast.Constant) and side.value is None for side in (left, right))
        if isinstance(op, (ast.In, ast.NotIn)):
            return _const_str(left) is not None
    return False


def analyse_python(text: str, display: str) -> CodeFacts | None:
    """The facts of one Python module, or None when it does not parse."""
    try:
        with warnings.catch_warnings():  # the user's code, not ours: its invalid escapes are not our warnings
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    facts = CodeFacts("python", display)
    analyser = _Analyser(facts)
    try:
        analyser.collect(tree)
        analyser.visit(tree)
    except RecursionError:
        return None
    return facts
