"""Wording shared by every generated document, so notice, record and export agree.

Retention, transfers and security measures are worded here once, from the policy's
objects, and every document takes them from here (LEGAL.md RET-14: one source of truth
for the notice, the access answer and the Art. 30 record).
"""

from __future__ import annotations

import attrs

from gdprkit.documents import _words as w
from gdprkit.errors import DocumentError, Problem
from gdprkit.legaltime.explain import describe_rule
from gdprkit.policy._fields import Text
from gdprkit.policy.model import Policy, Purpose, Recipient, System
from gdprkit.policy.validation import EEA_COUNTRIES

__all__ = [
    "LANGUAGES",
    "Context",
    "check_language",
    "outside_eea",
    "retention_text",
    "security_points",
    "transfer_text",
]

LANGUAGES = ("en", "sv")
"""The languages documents are generated in."""


def check_language(language: str, what: str) -> None:
    """Raise a :class:`DocumentError` unless *language* is one gdprkit writes."""
    if language not in LANGUAGES:
        msg = f"unsupported language {language!r}; use one of {', '.join(LANGUAGES)}"
        raise DocumentError(Problem(path="language", message=msg), source=what)


@attrs.define
class Context:
    """The language of a document being built and the problems found while building it.

    Attributes:
        policy: The policy the document is built from.
        language: ``"en"`` or ``"sv"``.
        what: The document's name, for error messages.
        problems: Missing items found so far; raised together by :meth:`raise_if_missing`.
    """

    policy: Policy
    language: str
    what: str
    problems: list[Problem] = attrs.field(factory=list)

    def t(self, text: Text | None, path: str) -> str:
        """Return *text* in the document's language; a missing translation is a problem."""
        if text is None:
            self.missing(path, "text is missing")
            return ""
        if self.language == "sv" and not text.sv:
            self.missing(path, "no Swedish text is declared", rule="Art. 12(1)")
            return text.en
        return text.get(self.language)

    def w(self, text: Text) -> str:
        """Return one of gdprkit's own texts in the document's language."""
        return text.get(self.language)

    def missing(self, path: str, message: str, *, rule: str = "NOT-01") -> None:
        """Record that the document cannot say something the law requires."""
        self.problems.append(Problem(path=path, message=message, rule=rule))

    def raise_if_missing(self) -> None:
        """Raise one :class:`DocumentError` listing every missing item, if any."""
        if self.problems:
            raise DocumentError(sorted(set(self.problems)), source=self.what)


def outside_eea(recipient: Recipient) -> bool:
    """Whether disclosure to *recipient* is a transfer to a third country (Chapter V)."""
    return recipient.country.upper() not in EEA_COUNTRIES


def retention_text(purpose: Purpose, ctx: Context) -> str:
    """Word a purpose's retention from its rule, or its criteria (Art. 13(2)(a), 30(1)(f)).

    The rule is described by :func:`gdprkit.legaltime.explain.describe_rule`, which both
    the notice and the record use, so a changed rule changes both (RET-14).
    """
    path = f"purposes.{purpose.id}.retention"
    rule = purpose.retention
    if rule is not None:
        kept = "sparas" if ctx.language == "sv" else "kept"
        return f"{kept} {ctx.w(describe_rule(rule))}; {ctx.w(w.DISPOSAL[rule.action])}"
    if purpose.retention_criteria is not None:
        return ctx.t(purpose.retention_criteria, f"{path}_criteria")
    ctx.missing(path, "no retention rule or criteria is declared (Art. 13(2)(a))", rule="REG-05")
    return ""


def transfer_text(recipient: Recipient, ctx: Context) -> str | None:
    """Word the Chapter V safeguard for a recipient outside the EEA, or ``None`` inside it."""
    if not outside_eea(recipient):
        return None
    mechanism = recipient.transfer_mechanism
    if mechanism is None:
        path = f"recipients.{recipient.id}.transfer_mechanism"
        ctx.missing(path, "a transfer outside the EEA needs its safeguard (Art. 13(1)(f))")
        return ""
    return ctx.w(w.TRANSFER[mechanism])


def security_points(system: System, ctx: Context) -> list[str]:
    """Word a system's Art. 32(1) measures, one point per heading (a)-(d)."""
    path = f"systems.{system.id}.security"
    sec = system.security
    points = [
        ctx.t(sec.encryption, f"{path}.encryption"),
        ctx.t(sec.confidentiality, f"{path}.confidentiality"),
        ctx.t(sec.restore, f"{path}.restore"),
        ctx.t(sec.testing, f"{path}.testing"),
    ]
    if sec.transport:
        label = "Kryptering vid överföring" if ctx.language == "sv" else "Encryption in transit"
        points.append(f"{label}: {sec.transport}.")
    if sec.encrypted_at_rest:
        points.append(
            "Lagrade personuppgifter är krypterade."
            if ctx.language == "sv"
            else "Stored personal data is encrypted."
        )
    return [p for p in points if p]
