"""The one definition of gdprkit's canonical JSON encoding, shared by every layer."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


def canonical_encoder(*, check_circular: bool = True) -> json.JSONEncoder:
    """Return an encoder of canonical JSON: sorted keys, compact separators, no NaN.

    Hashes over stored values (the audit chain, disposal digests, access packages) are
    taken over its output encoded as UTF-8, so every place that hashes must encode
    alike; build the encoder once and reuse it (``json.dumps`` builds one per call).

    Args:
        check_circular: ``False`` only for callers that encode trees they built
            themselves and that cannot contain themselves; it saves time and gives the
            same bytes.
    """
    return json.JSONEncoder(
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        check_circular=check_circular,
    )


canonical_str = json.encoder.encode_basestring
"""Write one string exactly as the canonical encoder writes it (quoted, not ASCII-only).

For the few hot paths that spell a fixed-shape object's canonical JSON out around its
strings; each such path has a property test holding it equal to the encoder's output.
"""


def canonical_str_list(items: Iterable[str]) -> str:
    """Write a list of strings exactly as the canonical encoder writes it."""
    return f"[{','.join(map(canonical_str, items))}]"
