"""``primaryLocationLineHash``: the fingerprint GitHub code scanning matches alerts by.

GitHub's upload action (codeql-action, ``fingerprints.ts``) fills it in when a SARIF result has
none, from the file in the runner's checkout. wa-lint computes the same value itself, so the
fingerprint is there whoever uploads the file (other upload tools, a SARIF file made elsewhere)
and an alert keeps its identity in code scanning when lines move around it.

The algorithm, reimplemented here: a rolling polynomial hash (base 37, 64-bit wrap-around) over
a window of the next 100 characters starting at each line, where spaces and tabs are skipped, CR
and CRLF count as LF, characters are UTF-16 code units, and the end of the file is one 65535
followed by zeros. The value is the hash as unsigned hexadecimal plus ``:<n>``, where ``n``
counts how often that hash has occurred so far in the file (identical lines stay distinct).
"""

from __future__ import annotations

import os
from functools import lru_cache

from wa_lint.fileio import read_bytes
from wa_lint.model import InputError

BLOCK_SIZE = 100
MOD = 37
MASK = (1 << 64) - 1
FIRST_MOD = pow(MOD, BLOCK_SIZE, 1 << 64)
EOF = 65535
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13


def line_hashes(text: str) -> dict[int, str]:
    """Line number (1-based) → ``<hex>:<occurrence>`` for every line of ``text``."""
    window = [0] * BLOCK_SIZE
    line_numbers = [-1] * BLOCK_SIZE
    counts: dict[str, int] = {}
    out: dict[int, str] = {}
    hash_raw = index = line = 0
    line_start, prev_cr = True, False
    data = text.encode("utf-16-le", errors="surrogatepass")
    units = [data[i] | data[i + 1] << 8 for i in range(0, len(data), 2)]  # JavaScript's charCodeAt
    units.append(EOF)
    for current in units:
        if current in (_SPACE, _TAB) or (prev_cr and current == _LF):
            prev_cr = False
            continue
        prev_cr = current == _CR
        if prev_cr:
            current = _LF
        if line_numbers[index] != -1:  # the window has come round: that line's hash is complete
            value = format(hash_raw, "x")
            counts[value] = counts.get(value, 0) + 1
            out[line_numbers[index]] = f"{value}:{counts[value]}"
            line_numbers[index] = -1
        if line_start:
            line_start = False
            line += 1
            line_numbers[index] = line
        if current == _LF:
            line_start = True
        hash_raw = (MOD * hash_raw + current - FIRST_MOD * window[index]) & MASK
        window[index] = current
        index = (index + 1) % BLOCK_SIZE
    for _ in range(BLOCK_SIZE):  # flush: the last lines' windows are filled with zeros
        if line_numbers[index] != -1:
            value = format(hash_raw, "x")
            counts[value] = counts.get(value, 0) + 1
            out[line_numbers[index]] = f"{value}:{counts[value]}"
            line_numbers[index] = -1
        hash_raw = (MOD * hash_raw - FIRST_MOD * window[index]) & MASK
        window[index] = 0
        index = (index + 1) % BLOCK_SIZE
    return out


def file_line_hashes(path: str) -> dict[int, str]:
    """:func:`line_hashes` of a file read as the upload action reads it (UTF-8, invalid bytes
    replaced); empty when the file cannot be read. Cached by absolute path, size and modification
    time, as code frames are, so an edited file or another working directory is never stale."""
    try:
        st = os.stat(path)
    except OSError:
        return {}
    return _file_line_hashes(os.path.abspath(path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=64)
def _file_line_hashes(path: str, size: int, mtime: int) -> dict[int, str]:  # noqa: ARG001  # cache key
    try:
        data = read_bytes(path, path)
    except InputError:
        return {}
    return line_hashes(data.decode("utf-8", errors="replace"))
