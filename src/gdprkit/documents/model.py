"""The structured form of a generated document, before it is rendered.

A privacy notice or cookie notice is first built as a :class:`Document`: sections of
items, each item saying which provisions of Art. 13 and 14 it fulfils. Renderers turn
the same document into Markdown, HTML and JSON, so the formats cannot drift apart, and
the coverage of the law can be checked on the structure rather than on prose
(LEGAL.md NOT-01, NOT-02).

A rendered document is a :class:`PublishedDocument`: the exact text, its SHA-256 and
what it is (kind, language, format, layer) and which policy version it came from
(NOT-04). It knows nothing about storage, so any store can keep it.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import attrs

from gdprkit.policy.vocab import ClosedVocabulary

__all__ = [
    "Coverage",
    "Document",
    "DocumentFormat",
    "DocumentKind",
    "Item",
    "ItemStatus",
    "Layer",
    "PublishedDocument",
    "Section",
]


class DocumentKind(ClosedVocabulary):
    """What a generated document is."""

    PRIVACY_NOTICE = "privacy_notice"
    """Information to data subjects under Art. 13 and 14."""
    COOKIE_NOTICE = "cookie_notice"
    """Information on cookies and similar technologies (LEK 2022:482 9 kap. 28 §; CON-14)."""
    RECORDS_OF_PROCESSING = "records_of_processing"
    """The record of processing activities (Art. 30)."""


class DocumentFormat(ClosedVocabulary):
    """The format a document is rendered in."""

    MARKDOWN = "markdown"
    """CommonMark text; every policy value is HTML-escaped, so it is safe to render."""
    HTML = "html"
    """A self-contained HTML page: inline CSS, no scripts, no external resources."""
    JSON = "json"
    """The structured document, keys sorted, for machines and schema checks."""
    CSV = "csv"
    """Comma-separated values, for the records of processing."""

    @property
    def media_type(self) -> str:
        """The IANA media type, with charset where it applies."""
        return {
            DocumentFormat.MARKDOWN: "text/markdown; charset=utf-8",
            DocumentFormat.HTML: "text/html; charset=utf-8",
            DocumentFormat.JSON: "application/json",
            DocumentFormat.CSV: "text/csv; charset=utf-8",
        }[self]


class Layer(ClosedVocabulary):
    """The layer of a layered notice (Art. 12(1), 12(7); LEGAL.md NOT-04)."""

    SHORT = "short"
    """The first layer: every required item, in one or two lines each."""
    FULL = "full"
    """The complete notice, with descriptions, security measures and cookies."""


class ItemStatus(ClosedVocabulary):
    """Whether an item gives information, or says why a provision does not apply."""

    PROVIDED = "provided"
    """The item gives the information the provision requires."""
    NOT_APPLICABLE = "not_applicable"
    """The provision does not apply; the item's text is the reason."""


@attrs.frozen(kw_only=True)
class Item:
    """One piece of information in a section.

    Attributes:
        id: Stable within the document, e.g. ``"recipient.payer"``.
        heading: A short heading, if the item has one.
        text: The main paragraph.
        points: Further points, rendered as a list.
        provisions: The provisions the item fulfils, e.g. ``("13(1)(e)",)``.
        status: Whether it provides the information or states why it does not apply.
    """

    id: str
    heading: str | None = None
    text: str = ""
    points: tuple[str, ...] = ()
    provisions: tuple[str, ...] = ()
    status: ItemStatus = ItemStatus.PROVIDED


@attrs.frozen(kw_only=True)
class Section:
    """A titled group of items.

    Attributes:
        id: Stable within the document, e.g. ``"objection"``.
        title: The section title.
        text: An introduction to the section, if any.
        items: The items.
        separate: Whether the section is set visibly apart from the rest; used for the
            right to object, which must be shown clearly and separately (Art. 21(4)).
    """

    id: str
    title: str
    text: str = ""
    items: tuple[Item, ...] = ()
    separate: bool = False


@attrs.frozen(kw_only=True)
class Coverage:
    """How a document meets one provision of the law (LEGAL.md NOT-01, NOT-02).

    Attributes:
        provision: The provision, e.g. ``"13(2)(a)"``.
        status: Provided, or not applicable.
        items: The ids of the items that give the information.
        reason: Why it does not apply, when it does not.
    """

    provision: str
    status: ItemStatus
    items: tuple[str, ...] = ()
    reason: str | None = None


@attrs.frozen(kw_only=True)
class Document:
    """A generated document in structured form, in one language and layer.

    Attributes:
        kind: What the document is.
        language: ``"en"`` or ``"sv"``.
        layer: The layer (cookie notices are always full).
        title: The title.
        intro: The opening paragraph.
        sections: The sections, in reading order.
        coverage: How each required provision is met (empty for cookie notices).
        organisation: The controller's legal name.
        policy_version: The policy's own version label.
        policy_hash: The policy's content hash (SHA-256 of its canonical JSON).
        effective_date: The date the policy applies from.
    """

    kind: DocumentKind
    language: str
    layer: Layer
    title: str
    intro: str
    sections: tuple[Section, ...]
    coverage: tuple[Coverage, ...] = ()
    organisation: str
    policy_version: str
    policy_hash: str
    effective_date: dt.date

    def section(self, section_id: str) -> Section:
        """Return the section with this id.

        Raises:
            KeyError: the document has no such section.
        """
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


@attrs.frozen(kw_only=True)
class PublishedDocument:
    """A rendered document as published: exact text, its hash and what it is (NOT-04).

    The hash is taken over the UTF-8 bytes of ``text``, so a stored copy can later be
    proven to be the one that was shown, and a consent can point at the notice version
    it was given under.

    Attributes:
        kind: What the document is.
        language: ``"en"`` or ``"sv"``.
        format: The format it is rendered in.
        layer: The layer, for notices; ``None`` for records of processing.
        policy_version: The policy's own version label.
        policy_hash: The policy's content hash.
        effective_date: The date the policy applies from.
        as_of: The snapshot date, for records of processing (Art. 30; ROPA-03).
        text: The rendered text.
        sha256: The hex SHA-256 of ``text`` encoded as UTF-8 (computed, not passed).
    """

    kind: DocumentKind = attrs.field(converter=DocumentKind)
    language: str
    format: DocumentFormat = attrs.field(converter=DocumentFormat)
    layer: Layer | None = attrs.field(default=None, converter=attrs.converters.optional(Layer))
    policy_version: str
    policy_hash: str
    effective_date: dt.date
    as_of: dt.date | None = None
    text: str = attrs.field(repr=False)
    sha256: str = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        object.__setattr__(self, "sha256", digest)

    @property
    def data(self) -> bytes:
        """The exact bytes published: ``text`` encoded as UTF-8."""
        return self.text.encode("utf-8")

    @property
    def media_type(self) -> str:
        """The IANA media type of the format."""
        return self.format.media_type
