"""The consent ledger: grants and withdrawals with proof, effective at once (Art. 7).

Every grant is kept with the exact wording shown (a published text, by SHA-256), the
UTC instant, the channel, the mechanism and the evidence (LEGAL.md CON-01). Only
affirmative acts count (CON-03). A withdrawal is appended, never replaces history
(CON-04), and ends that purpose's links at once: reads for the purpose are refused
from that instant and the next sweep removes what no other purpose needs (CON-08).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from gdprkit._args import instant, json_mapping, not_future, require_id
from gdprkit.consent.state import check_affirmative, grant_in_force
from gdprkit.errors import ConsentError, InvalidInputError, NotFoundError
from gdprkit.legaltime.age import DigitalConsentAges, parental_consent_required
from gdprkit.policy.vocab import ConsentChannel, LegalBasis
from gdprkit.retention._links import with_trigger
from gdprkit.retention.schedule import CONSENT_WITHDRAWN
from gdprkit.storage.types import ConsentAction, ConsentEvent, LinkState, PublishedText

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from gdprkit.audit import AuditLog
    from gdprkit.clock import Clock
    from gdprkit.policy.model import Policy, Purpose
    from gdprkit.storage.protocol import Store

__all__ = ["CONSENT_WORDING", "ConsentLedger", "ConsentProof"]

CONSENT_WORDING = "consent_wording"
"""The ``kind`` of a published consent text."""


@attrs.frozen(kw_only=True)
class ConsentProof:
    """The grant in force at an instant and the exact wording it was given to (Art. 7(1)).

    Attributes:
        grant: The grant event.
        text: The published wording, byte for byte as shown.
    """

    grant: ConsentEvent
    text: PublishedText


class ConsentLedger:
    """Records consent per subject and purpose and answers for any instant.

    Args:
        policy: Declares which purposes rest on consent and through which channels.
        store: Keeps the history and the published wordings.
        audit: Receives one entry per grant and per withdrawal, in the same transaction.
        clock: The source of "now".
    """

    def __init__(self, *, policy: Policy, store: Store, audit: AuditLog, clock: Clock) -> None:
        self._policy = policy
        self._store = store
        self._audit = audit
        self._clock = clock
        self._ages = DigitalConsentAges.for_organisation(policy.organisation)

    def __repr__(self) -> str:
        return f"ConsentLedger(policy={self._policy.organisation.legal_name!r})"

    def _consent_purpose(self, purpose_id: str) -> Purpose:
        purpose = self._policy.purpose(require_id(purpose_id, "purpose"))
        if purpose.legal_basis is not LegalBasis.CONSENT or purpose.consent is None:
            raise ConsentError(f"purpose {purpose.id!r} does not rest on consent (Art. 6(1)(a))")
        return purpose

    def publish_wording(self, purpose_id: str, *, language: str = "en") -> str:
        """Publish the purpose's consent wording as declared; return its SHA-256 to grant against.

        Publishing the same wording again returns the same hash (Art. 7(1): the
        organisation must be able to show what exactly was consented to).
        """
        purpose = self._consent_purpose(purpose_id)
        assert purpose.consent is not None  # noqa: S101 - checked by _consent_purpose
        if language not in {"en", "sv"}:
            raise InvalidInputError("language must be 'en' or 'sv'")
        if language == "sv" and not purpose.consent.text.sv:
            raise NotFoundError(f"purpose {purpose.id!r} has no Swedish consent wording")
        wording = purpose.consent.text.get(language)
        text = PublishedText.of(
            wording, kind=CONSENT_WORDING, language=language, published_at=self._clock.now()
        )
        return self._store.publish_text(text).sha256

    def grant(
        self,
        subject_id: str,
        purpose_id: str,
        *,
        text_hash: str,
        channel: str,
        mechanism: str,
        evidence: Mapping[str, Any] | None = None,
        at: dt.datetime | None = None,
        birth_date: dt.date | None = None,
        country: str | None = None,
        parental_authorisation: Mapping[str, Any] | None = None,
        actor: str = "application",
    ) -> ConsentEvent:
        """Record a grant for one purpose; several purposes take one call each (CON-02).

        Args:
            subject_id: Who consents.
            purpose_id: To which purpose; it must rest on consent.
            text_hash: SHA-256 of the published wording shown (see :meth:`publish_wording`).
            channel: Where it was given; one of the purpose's ``give_channels``.
            mechanism: How, e.g. ``"checkbox"`` or ``"double_opt_in"``; pre-ticked boxes,
                silence, inactivity and implied consent are refused (Art. 4(11); CON-03).
            evidence: Proof without plaintext personal data (form id, token hash).
            at: When it was given; defaults to now; never in the future.
            birth_date: For a child: the date of birth, to apply Art. 8(1) (CON-09).
            country: For a child: the country of residence (the organisation's by default).
            parental_authorisation: For a child under the age of digital consent: how a
                parent authorised it and the reasonable-efforts check (Art. 8(2); CON-11).
            actor: Who recorded it, for the audit log.

        Raises:
            ConsentError: the purpose does not rest on consent, the mechanism is not an
                affirmative act, the channel is not declared, the wording is not
                published, or a child's consent lacks a parent's authorisation.
            NotFoundError: no such subject.
        """
        purpose = self._consent_purpose(purpose_id)
        assert purpose.consent is not None  # noqa: S101 - checked by _consent_purpose
        subject_id = require_id(subject_id, "subject_id")
        check_affirmative(mechanism)
        give = _channel(channel, purpose.consent.give_channels, "given")
        now = self._clock.now()
        when = (
            now
            if at is None
            else not_future(instant(at, self._clock, "consent time"), now, "consent time")
        )
        proof = json_mapping(evidence, "evidence")
        if birth_date is not None:
            local_day = when.astimezone(self._policy.organisation.tz).date()
            needs_parent = parental_consent_required(
                birth_date=birth_date,
                on=local_day,
                country=country or self._policy.organisation.country,
                ages=self._ages,
            )
            if needs_parent and not parental_authorisation:
                raise ConsentError(
                    "the child is under the age of digital consent: a parent's "
                    "authorisation is required (Art. 8(1))"
                )
            proof["age_gate"] = {"checked": True, "parental_consent_required": needs_parent}
            if needs_parent:
                proof["parental_authorisation"] = json_mapping(
                    parental_authorisation, "parental_authorisation"
                )
        event = ConsentEvent(
            id=uuid.uuid4().hex,
            subject_id=subject_id,
            purpose_id=purpose.id,
            action=ConsentAction.GRANT,
            at=when,
            text_hash=text_hash,
            channel=give.value,
            mechanism=mechanism,
            evidence=proof,
        )
        with self._store.transaction():
            if self._store.get_subject(subject_id) is None:
                raise NotFoundError("no such subject")
            text = self._store.get_text(text_hash)
            if text is None or text.kind != CONSENT_WORDING:
                raise ConsentError("the consent wording is not published; publish it first")
            self._store.add_consent_event(event)
            self._audit.append(
                actor=actor,
                action="consent.granted",
                ids=[subject_id, event.id],
                details={"purpose": purpose.id, "text": text_hash, "channel": give.value},
            )
        return event

    def withdraw(
        self,
        subject_id: str,
        purpose_id: str,
        *,
        channel: str,
        evidence: Mapping[str, Any] | None = None,
        at: dt.datetime | None = None,
        actor: str = "application",
    ) -> ConsentEvent:
        """Record a withdrawal; it takes effect at once (Art. 7(3); CON-04, CON-08).

        The subject's live links to the purpose get the ``consent_withdrawn`` trigger,
        so reads for the purpose are refused from *at* and the next sweep removes the
        fields no other purpose still needs. Earlier grants stay as proof.

        Raises:
            ConsentError: no consent is in force, or the channel is not a declared
                withdrawal channel.
        """
        purpose = self._consent_purpose(purpose_id)
        assert purpose.consent is not None  # noqa: S101 - checked by _consent_purpose
        subject_id = require_id(subject_id, "subject_id")
        where = _channel(channel, purpose.consent.withdraw_channels, "withdrawn")
        now = self._clock.now()
        when = (
            now
            if at is None
            else not_future(instant(at, self._clock, "withdrawal time"), now, "withdrawal time")
        )
        proof = json_mapping(evidence, "evidence")
        with self._store.transaction():
            history = self._store.consent_events(subject_id, purpose.id)
            grant = grant_in_force(history, when)
            if grant is None:
                raise ConsentError("no consent to this purpose is in force to withdraw")
            event = ConsentEvent(
                id=uuid.uuid4().hex,
                subject_id=subject_id,
                purpose_id=purpose.id,
                action=ConsentAction.WITHDRAW,
                at=when,
                text_hash=grant.text_hash,
                channel=where.value,
                mechanism="withdrawal",
                evidence=proof,
            )
            self._store.add_consent_event(event)
            ended = 0
            for link in self._store.links_of_subject(subject_id):
                if link.purpose_id == purpose.id and link.state is LinkState.LIVE:
                    self._store.update_link(
                        with_trigger(link, self._policy, CONSENT_WITHDRAWN, when)
                    )
                    ended += 1
            self._audit.append(
                actor=actor,
                action="consent.withdrawn",
                ids=[subject_id, event.id],
                details={"purpose": purpose.id, "channel": where.value, "links": ended},
            )
        return event

    def history(self, subject_id: str, purpose_id: str | None = None) -> list[ConsentEvent]:
        """Return the subject's consent events (for one purpose, or all) in recorded order."""
        return self._store.consent_events(require_id(subject_id, "subject_id"), purpose_id)

    def is_permitted(self, subject_id: str, purpose_id: str, at: dt.datetime | None = None) -> bool:
        """Return whether the subject's consent to the purpose was in force at *at* (or now)."""
        purpose = self._consent_purpose(purpose_id)
        when = instant(at, self._clock, "at")
        return grant_in_force(self.history(subject_id, purpose.id), when) is not None

    def proof(
        self, subject_id: str, purpose_id: str, at: dt.datetime | None = None
    ) -> ConsentProof | None:
        """Return the grant in force at *at* with its exact wording, or ``None`` (CON-01)."""
        purpose = self._consent_purpose(purpose_id)
        when = instant(at, self._clock, "at")
        grant = grant_in_force(self.history(subject_id, purpose.id), when)
        if grant is None:
            return None
        text = self._store.get_text(grant.text_hash)
        if text is None:  # pragma: no cover - grants are only accepted for published texts
            raise NotFoundError("the consent wording of the grant is missing from the store")
        return ConsentProof(grant=grant, text=text)


def _channel(value: str, allowed: tuple[ConsentChannel, ...], verb: str) -> ConsentChannel:
    channel = ConsentChannel(value)
    if channel not in allowed:
        names = ", ".join(c.value for c in allowed)
        raise ConsentError(f"consent is not {verb} through {channel.value!r}; declared: {names}")
    return channel
