"""The language server (``wa-lint server``); needs the ``server`` extra (pygls)."""

from __future__ import annotations

import argparse
import sys

INSTALL_HINT = "wa-lint: the language server needs pygls: pip install 'wa-lint[server]'"


def main(args: argparse.Namespace) -> int:
    """Serve over stdio; without pygls, one line saying what to install (exit 2)."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    from wa_lint.lsp.server import serve

    return serve(args)
