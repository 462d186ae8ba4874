"""Render a structured :class:`~gdprkit.documents.model.Document` as Markdown, HTML or JSON.

Rendering is deterministic (same document, same bytes) and every value that comes from
the policy is escaped with :func:`html.escape` in Markdown and HTML, so a policy text
can never inject markup into a published page. The HTML is one self-contained page:
inline CSS, no scripts, no external resources.
"""

from __future__ import annotations

import html
import json
from typing import Any

from gdprkit.documents.model import (
    Document,
    DocumentFormat,
    DocumentKind,
    PublishedDocument,
    Section,
)
from gdprkit.errors import DocumentError, Problem
from gdprkit.legaltime.explain import format_date

__all__ = ["document_dict", "publish", "to_html", "to_json", "to_markdown"]

_CSS = (
    "body{font-family:system-ui,sans-serif;line-height:1.5;max-width:48rem;"
    "margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
    "h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.05rem}"
    "section.separate{border:2px solid #1a1a1a;padding:0 1rem 1rem;margin:2rem 0}"
    "footer{margin-top:2rem;font-size:.85rem;color:#555}"
)

_VERSION = {
    "en": "Version {version}, effective from {date}.",
    "sv": "Version {version}, gäller från och med den {date}.",
}
_FINGERPRINT = {
    "en": "Policy fingerprint (SHA-256): {hash}",
    "sv": "Policyns fingeravtryck (SHA-256): {hash}",
}


def _e(value: str) -> str:
    return html.escape(value, quote=False)


def _footer(document: Document) -> tuple[str, str]:
    lang = document.language
    version = _VERSION[lang].format(
        version=document.policy_version, date=format_date(document.effective_date, lang)
    )
    return version, _FINGERPRINT[lang].format(hash=document.policy_hash)


def _markdown_section(section: Section) -> list[str]:
    lines = [f"## {_e(section.title)}", ""]
    if section.text:
        lines += [_e(section.text), ""]
    for item in section.items:
        if item.heading:
            lines += [f"### {_e(item.heading)}", ""]
        if item.text:
            lines += [_e(item.text), ""]
        if item.points:
            lines += [f"- {_e(point)}" for point in item.points]
            lines.append("")
    if section.separate:
        lines = [f"> {line}" if line else ">" for line in lines]
        lines.append("")
    return lines


def to_markdown(document: Document) -> str:
    """Return the document as Markdown; the right to object is a block quote (Art. 21(4))."""
    lines = [f"# {_e(document.title)}", "", _e(document.intro), ""]
    for section in document.sections:
        lines += _markdown_section(section)
    version, fingerprint = _footer(document)
    lines += ["---", "", _e(version), "", _e(fingerprint), ""]
    return "\n".join(lines)


def _html_section(section: Section) -> list[str]:
    css = ' class="separate"' if section.separate else ""
    out = [f'<section id="{_attr(section.id)}"{css}>', f"<h2>{_e(section.title)}</h2>"]
    if section.text:
        out.append(f"<p>{_e(section.text)}</p>")
    for item in section.items:
        out.append(f'<div id="item-{_attr(item.id)}">')
        if item.heading:
            out.append(f"<h3>{_e(item.heading)}</h3>")
        if item.text:
            out.append(f"<p>{_e(item.text)}</p>")
        if item.points:
            out.append("<ul>")
            out += [f"<li>{_e(point)}</li>" for point in item.points]
            out.append("</ul>")
        out.append("</div>")
    out.append("</section>")
    return out


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def to_html(document: Document) -> str:
    """Return the document as one self-contained HTML page."""
    version, fingerprint = _footer(document)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_attr(document.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(document.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_e(document.title)}</h1>",
        f"<p>{_e(document.intro)}</p>",
    ]
    for section in document.sections:
        out += _html_section(section)
    out += [
        "</main>",
        f"<footer><p>{_e(version)}</p><p>{_e(fingerprint)}</p></footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)


def document_dict(document: Document) -> dict[str, Any]:
    """Return the document as plain JSON-compatible data."""
    return {
        "kind": document.kind.value,
        "language": document.language,
        "layer": document.layer.value,
        "title": document.title,
        "intro": document.intro,
        "organisation": document.organisation,
        "policy": {
            "version": document.policy_version,
            "content_hash": document.policy_hash,
            "effective_date": document.effective_date.isoformat(),
        },
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "text": s.text,
                "separate": s.separate,
                "items": [
                    {
                        "id": i.id,
                        "heading": i.heading,
                        "text": i.text,
                        "points": list(i.points),
                        "provisions": list(i.provisions),
                        "status": i.status.value,
                    }
                    for i in s.items
                ],
            }
            for s in document.sections
        ],
        "coverage": {
            c.provision: {
                "status": c.status.value,
                "items": list(c.items),
                "reason": c.reason,
            }
            for c in document.coverage
        },
    }


def to_json(document: Document) -> str:
    """Return the document as JSON: keys sorted, UTF-8, two-space indent, final newline."""
    return json.dumps(document_dict(document), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


_RENDERERS = {
    DocumentFormat.MARKDOWN: to_markdown,
    DocumentFormat.HTML: to_html,
    DocumentFormat.JSON: to_json,
}


def publish(document: Document, fmt: DocumentFormat | str) -> PublishedDocument:
    """Render *document* in *fmt* and return it with its hash and version (NOT-04).

    Raises:
        DocumentError: the format does not apply to this document (CSV is for records).
    """
    fmt = DocumentFormat(fmt)
    if fmt not in _RENDERERS:
        problem = Problem(path="format", message=f"{fmt.value} is not available for notices")
        raise DocumentError(problem, source=document.kind.value)
    return PublishedDocument(
        kind=DocumentKind(document.kind),
        language=document.language,
        format=fmt,
        layer=document.layer,
        policy_version=document.policy_version,
        policy_hash=document.policy_hash,
        effective_date=document.effective_date,
        text=_RENDERERS[fmt](document),
    )
