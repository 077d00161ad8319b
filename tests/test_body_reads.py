"""Handler analysis records where a handler reads an HTTP request body (WA221's evidence), and
S3-key URL decoding or promise-wrapped v2 callbacks are not logic (the glue rules)."""

from __future__ import annotations

import pytest

from wa_lint.code.node import analyse_node
from wa_lint.code.python import analyse_python


@pytest.mark.parametrize(("code", "reads"), [
    ("import json\ndef handler(event, context):\n    return json.loads(event['body'])\n", True),
    ("def handler(event, context):\n    return event.get('body')\n", True),
    ("def handler(event, context):\n    return app.current_event.json_body\n", True),
    ("def handler(event, context):\n    r = {}\n    r['body'] = event['pathParameters']['id']\n"
     "    return {'statusCode': 200, 'body': 'x'}\n", False),
])
def test_python_body_reads(code: str, reads: bool) -> None:
    facts = analyse_python(code, "app.py")
    assert facts is not None
    assert bool(facts.body_reads) is reads, facts.body_reads


@pytest.mark.parametrize(("code", "reads"), [
    ("exports.handler = async (event) => JSON.parse(event.body);", True),
    ("exports.handler = async ({ body }) => body;", True),
    ("exports.handler = async (event) => event['body'];", True),
    ("exports.handler = async (event) => { const r = {}; r.body = event.pathParameters.id; "
     "return { statusCode: 200, body: 'x' }; };", False),
])
def test_node_body_reads(code: str, reads: bool) -> None:
    facts = analyse_node(code, "index.js", "javascript")
    assert facts is not None
    assert bool(facts.body_reads) is reads, facts.body_reads


def test_url_decoding_an_s3_key_is_not_logic() -> None:
    py = analyse_python("import urllib.parse\ndef handler(event, context):\n"
                        "    return urllib.parse.unquote_plus(event['key'])\n", "app.py")
    js = analyse_node("exports.handler = async (e) => decodeURIComponent(e.key.replace(/\\+/g, ' '));",
                      "index.js", "javascript")
    other = analyse_node("exports.handler = async (e) => e.key.replace(/a/g, ' ');", "index.js", "javascript")
    assert py is not None
    assert py.extras == []
    assert js is not None
    assert js.extras == []
    assert other is not None
    assert other.extras


def test_promise_wrapped_v2_callback_is_a_forwarder() -> None:
    code = ("const AWS = require('aws-sdk');\nconst sqs = new AWS.SQS();\n"
            "exports.handler = (event) => new Promise((resolve, reject) => {\n"
            "  sqs.sendMessage({ QueueUrl: process.env.Q, MessageBody: 'id ' + event.id }, "
            "(err, data) => (err ? reject(err) : resolve(data)));\n});")
    facts = analyse_node(code, "index.js", "javascript")
    assert facts is not None
    forwarded = facts.forwarded()
    assert forwarded is not None
    assert forwarded.action == "SendMessage"
