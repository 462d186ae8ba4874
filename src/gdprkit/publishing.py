"""Keep every published document's exact text in the store, addressed by its hash.

A privacy notice or consent wording is evidence: proof of consent must show the exact
words the person saw (Art. 7(1); LEGAL.md CON-01), and "what did we tell people on date
X" must be answerable later (Art. 5(2), 13, 14; NOT-04). :func:`keep_published` stores
the whole text of a :class:`~gdprkit.documents.PublishedDocument` in the store's
published texts, where it is addressed by the SHA-256 of its bytes. Storing the same
document again returns the first publication unchanged.
"""

from __future__ import annotations

import datetime as dt

from gdprkit.clock import to_utc
from gdprkit.documents import PublishedDocument
from gdprkit.errors import ConflictError
from gdprkit.storage import PublishedText
from gdprkit.storage.protocol import TextStore

__all__ = ["keep_published"]


def keep_published(
    document: PublishedDocument,
    store: TextStore,
    *,
    at: dt.datetime,
) -> PublishedText:
    """Store *document*'s whole text under its hash and return what the store holds.

    Args:
        document: A rendered document from :func:`gdprkit.documents.publish` or
            :func:`gdprkit.documents.publish_records`.
        store: Any store (its published-texts aggregate).
        at: When the document is published; timezone-aware.

    Raises:
        NaiveDatetimeError: *at* has no time zone.
        ConflictError: the store holds different bytes under the same hash, which
            means it was tampered with.
    """
    published_at = to_utc(at, what="keep_published(at)")
    text = PublishedText.of(
        document.text,
        kind=document.kind.value,
        language=document.language,
        published_at=published_at,
    )
    stored = store.publish_text(text)
    if stored.sha256 != document.sha256 or stored.text != document.text:
        msg = f"published text {document.sha256[:16]}... differs from the stored copy"
        raise ConflictError(msg)
    return stored
