"""The record of processing activities, generated from the policy (Art. 30).

:func:`records_of_processing` builds a dated snapshot (Art. 30(3),(4); LEGAL.md ROPA-03):
one entry per purpose with every field of Art. 30(1)(a)-(g), where fields (e)-(g) say
"not applicable" or "not possible" only with a reason (ROPA-01); one entry per
activity carried out for another controller with Art. 30(2)(a)-(d) (ROPA-02); and the
optional columns supervisory authorities recommend: lawful basis, Art. 9(2)
condition, source, systems and processors (ROPA-06). The same record renders as JSON,
CSV (stable column order) and Markdown.

Time limits come from the retention rules through the same wording as the privacy
notice, so the two cannot disagree (RET-14); the Bokföringslagen rule reads as ROPA-05
asks. :func:`art30_exemption` checks Art. 30(5) and never exempts regular processing
(ROPA-04).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections.abc import Iterable
from typing import Any

import attrs

from gdprkit.documents import _words as w
from gdprkit.documents._common import (
    Context,
    check_language,
    outside_eea,
    retention_text,
    security_points,
    transfer_text,
)
from gdprkit.documents.model import DocumentFormat, DocumentKind, PublishedDocument
from gdprkit.errors import DocumentError, Problem
from gdprkit.legaltime.explain import format_date
from gdprkit.policy._fields import Text
from gdprkit.policy.model import Policy, ProcessingOnBehalf, Purpose, Recipient
from gdprkit.policy.vocab import ClosedVocabulary, RecipientRole

__all__ = [
    "ACTIVITY_COLUMNS",
    "EXTRA_COLUMNS",
    "ON_BEHALF_COLUMNS",
    "RECIPIENT_COLUMNS",
    "ActivityRecord",
    "Art30Exemption",
    "FieldStatus",
    "OnBehalfRecord",
    "RecipientRecord",
    "RecordField",
    "RecordTable",
    "RecordsOfProcessing",
    "art30_exemption",
    "publish_records",
    "records_of_processing",
    "records_to_csv",
    "records_to_json",
    "records_to_markdown",
]


class FieldStatus(ClosedVocabulary):
    """Whether a record field is filled in, and if not, why (LEGAL.md ROPA-01)."""

    PROVIDED = "provided"
    """The field holds the information."""
    NOT_APPLICABLE = "not_applicable"
    """The field does not apply (e.g. no transfers); the reason says why."""
    NOT_POSSIBLE = "not_possible"
    """The information cannot be given (Art. 30(1)(f),(g) "where possible"); with a reason."""


def _reason_when_not_provided(
    instance: RecordField, _attribute: attrs.Attribute[Any], value: str | None
) -> None:
    if instance.status is not FieldStatus.PROVIDED and not value:
        msg = f"a field that is {instance.status.value} needs a reason (ROPA-01)"
        raise DocumentError(Problem(path="RecordField.reason", message=msg, rule="ROPA-01"))


@attrs.frozen(kw_only=True)
class RecordField:
    """One field of a record entry.

    Attributes:
        value: The information; one line per item.
        status: Provided, not applicable or not possible.
        reason: Why the field is not applicable or not possible; required then.
    """

    value: str = ""
    status: FieldStatus = FieldStatus.PROVIDED
    reason: str | None = attrs.field(default=None, validator=_reason_when_not_provided)

    def cell(self) -> str:
        """The field as one text: the value, or the status and reason."""
        if self.status is FieldStatus.PROVIDED:
            return self.value
        return f"{self.status.value}: {self.reason}"


@attrs.frozen(kw_only=True)
class ActivityRecord:
    """One processing activity (a purpose) as controller (Art. 30(1)).

    Attributes:
        id: The purpose id.
        name: The purpose's name.
        controller: (a) the controller, contact details, joint controllers,
            representative and data protection officer.
        purposes: (b) the purpose of the processing.
        data_subjects: (c) the categories of data subjects.
        personal_data: (c) the categories of personal data.
        recipients: (d) the recipients, named, with role and country.
        transfers: (e) third-country transfers and their safeguards.
        erasure_time_limits: (f) when the data is erased.
        security_measures: (g) the Art. 32(1) measures of the systems used.
        lawful_basis: Extra (ROPA-06): the Art. 6(1) basis and law.
        special_category_condition: Extra: the Art. 9(2) condition.
        source: Extra: where the data comes from (Art. 14(2)(f)).
        systems: Extra: the systems holding the data.
        processors: Extra: the processors and their agreements.
    """

    id: str
    name: str
    controller: RecordField
    purposes: RecordField
    data_subjects: RecordField
    personal_data: RecordField
    recipients: RecordField
    transfers: RecordField
    erasure_time_limits: RecordField
    security_measures: RecordField
    lawful_basis: RecordField
    special_category_condition: RecordField
    source: RecordField
    systems: RecordField
    processors: RecordField


@attrs.frozen(kw_only=True)
class OnBehalfRecord:
    """One activity carried out as processor for another controller (Art. 30(2)).

    Attributes:
        id: The activity id.
        name: The controller it is carried out for.
        parties: (a) the processor and the controller, with contact details.
        processing: (b) the categories of processing carried out.
        transfers: (c) third-country transfers.
        security_measures: (d) the Art. 32(1) measures.
    """

    id: str
    name: str
    parties: RecordField
    processing: RecordField
    transfers: RecordField
    security_measures: RecordField


@attrs.frozen(kw_only=True)
class RecipientRecord:
    """One recipient, as an annex to the record (Art. 30(1)(d),(e); ROPA-06).

    Attributes:
        id: The recipient id.
        name: The recipient's name.
        role: Its legal role.
        country: Where the data goes.
        transfer: The Chapter V safeguard, or not applicable inside the EEA.
        agreement: The Art. 28 agreement, for processors.
        purposes: The purposes it receives data for.
    """

    id: str
    name: str
    role: RecordField
    country: RecordField
    transfer: RecordField
    agreement: RecordField
    purposes: RecordField


@attrs.frozen(kw_only=True)
class RecordsOfProcessing:
    """The record of processing activities as of one date (Art. 30; ROPA-03).

    Attributes:
        organisation: The controller's legal name.
        language: ``"en"`` or ``"sv"``.
        as_of: The date the snapshot describes.
        policy_version: The policy's own version label.
        policy_hash: The policy's content hash.
        effective_date: The date the policy applies from.
        extra_columns: Whether the optional ROPA-06 columns are included.
        activities: Art. 30(1) entries, one per purpose.
        on_behalf: Art. 30(2) entries, one per activity for another controller.
        recipients: The recipients annex.
    """

    organisation: str
    language: str
    as_of: dt.date
    policy_version: str
    policy_hash: str
    effective_date: dt.date
    extra_columns: bool = True
    activities: tuple[ActivityRecord, ...]
    on_behalf: tuple[OnBehalfRecord, ...] = ()
    recipients: tuple[RecipientRecord, ...] = ()


class RecordTable(ClosedVocabulary):
    """The tables of the record, for CSV (one table per file)."""

    ACTIVITIES = "activities"
    """Art. 30(1): processing as controller."""
    ON_BEHALF = "on_behalf"
    """Art. 30(2): processing on behalf of other controllers."""
    RECIPIENTS = "recipients"
    """The recipients annex."""


_L = Text

ACTIVITY_COLUMNS: tuple[tuple[str, str, Text], ...] = (
    (
        "a_controller",
        "controller",
        _L(
            en="(a) Controller, contact details, representative and data protection officer",
            sv="(a) Personuppgiftsansvarig, kontaktuppgifter, företrädare och dataskyddsombud",
        ),
    ),
    ("b_purposes", "purposes", _L(en="(b) Purposes", sv="(b) Ändamål")),
    (
        "c_data_subjects",
        "data_subjects",
        _L(en="(c) Categories of data subjects", sv="(c) Kategorier av registrerade"),
    ),
    (
        "c_personal_data",
        "personal_data",
        _L(en="(c) Categories of personal data", sv="(c) Kategorier av personuppgifter"),
    ),
    ("d_recipients", "recipients", _L(en="(d) Recipients", sv="(d) Mottagare")),
    (
        "e_transfers",
        "transfers",
        _L(
            en="(e) Transfers to third countries or international organisations",
            sv="(e) Överföringar till tredjeländer eller internationella organisationer",
        ),
    ),
    (
        "f_erasure_time_limits",
        "erasure_time_limits",
        _L(en="(f) Time limits for erasure", sv="(f) Tidsfrister för radering"),
    ),
    (
        "g_security_measures",
        "security_measures",
        _L(
            en="(g) Technical and organisational security measures (Art. 32(1))",
            sv="(g) Tekniska och organisatoriska säkerhetsåtgärder (artikel 32.1)",
        ),
    ),
)
"""The Art. 30(1) columns: (CSV key, attribute, label)."""

EXTRA_COLUMNS: tuple[tuple[str, str, Text], ...] = (
    ("lawful_basis", "lawful_basis", _L(en="Lawful basis", sv="Rättslig grund")),
    (
        "special_category_condition",
        "special_category_condition",
        _L(en="Art. 9(2) condition", sv="Villkor enligt artikel 9.2"),
    ),
    ("source", "source", _L(en="Source of the data", sv="Uppgifternas källa")),
    ("systems", "systems", _L(en="Systems", sv="System")),
    ("processors", "processors", _L(en="Processors", sv="Personuppgiftsbiträden")),
)
"""The optional columns of ROPA-06: (CSV key, attribute, label)."""

ON_BEHALF_COLUMNS: tuple[tuple[str, str, Text], ...] = (
    (
        "a_processor_and_controller",
        "parties",
        _L(
            en="(a) Processor and controller, with contact details",
            sv="(a) Personuppgiftsbiträde och personuppgiftsansvarig, med kontaktuppgifter",
        ),
    ),
    (
        "b_processing",
        "processing",
        _L(en="(b) Categories of processing", sv="(b) Kategorier av behandling"),
    ),
    (
        "c_transfers",
        "transfers",
        _L(en="(c) Transfers to third countries", sv="(c) Överföringar till tredjeländer"),
    ),
    (
        "d_security_measures",
        "security_measures",
        _L(
            en="(d) Technical and organisational security measures (Art. 32(1))",
            sv="(d) Tekniska och organisatoriska säkerhetsåtgärder (artikel 32.1)",
        ),
    ),
)
"""The Art. 30(2) columns: (CSV key, attribute, label)."""

RECIPIENT_COLUMNS: tuple[tuple[str, str, Text], ...] = (
    ("role", "role", _L(en="Role", sv="Roll")),
    ("country", "country", _L(en="Country", sv="Land")),
    ("transfer", "transfer", _L(en="Transfer safeguard", sv="Skyddsåtgärd vid överföring")),
    ("agreement", "agreement", _L(en="Data processing agreement", sv="Biträdesavtal")),
    ("purposes", "purposes", _L(en="Purposes", sv="Ändamål")),
)
"""The recipients annex columns: (CSV key, attribute, label)."""


class _Records:
    """Builds the entries; every value is read from the policy."""

    def __init__(self, policy: Policy, language: str) -> None:
        self.policy = policy
        self.ctx = Context(policy=policy, language=language, what="records of processing")
        self.sv = language == "sv"
        self.lang = language

    def s(self, en: str, sv: str) -> str:
        return sv if self.sv else en

    def label(self, category_id: str) -> str:
        category = self.policy.category(category_id)
        return self.ctx.t(category.label, f"categories.{category_id}.label")

    def purpose_name(self, purpose: Purpose) -> str:
        return self.ctx.t(purpose.name, f"purposes.{purpose.id}.name")

    def na(self, reason: str) -> RecordField:
        return RecordField(status=FieldStatus.NOT_APPLICABLE, reason=reason)

    def controller(self, purpose: Purpose) -> RecordField:
        org = self.policy.organisation
        contact = org.contact
        number = f" ({org.organisation_number})" if org.organisation_number else ""
        details = ", ".join(
            p for p in (contact.name, contact.email, contact.phone, contact.address) if p
        )
        lines = [f"{org.legal_name}{number}", f"{self.s('Contact', 'Kontakt')}: {details}"]
        if org.dpo is not None:
            dpo = org.dpo
            dpo_details = ", ".join(p for p in (dpo.name, dpo.email, dpo.phone) if p)
            lines.append(f"{self.s('Data protection officer', 'Dataskyddsombud')}: {dpo_details}")
        else:
            lines.append(
                self.s(
                    "Data protection officer: none designated (Art. 37)",
                    "Dataskyddsombud: inget utsett (artikel 37)",
                )
            )
        if org.representative is not None:
            rep = org.representative
            lines.append(f"{self.s('Representative', 'Företrädare')}: {rep.name}")
        joint = [
            r.name for r in self.recipients_of(purpose) if r.role is RecipientRole.JOINT_CONTROLLER
        ]
        if joint:
            lines.append(
                f"{self.s('Joint controllers', 'Gemensamt personuppgiftsansvariga')}: "
                f"{', '.join(joint)}"
            )
        return RecordField(value="\n".join(lines))

    def recipients_of(self, purpose: Purpose) -> list[Recipient]:
        return [r for r in self.policy.recipients if r.id in purpose.recipients]

    def recipient_line(self, recipient: Recipient) -> str:
        role = self.ctx.w(w.ROLE_SHORT[recipient.role])
        return f"{recipient.name} ({role}, {w.country(recipient.country, self.lang)})"

    def transfers(self, recipients: Iterable[Recipient]) -> RecordField:
        abroad = [r for r in recipients if outside_eea(r)]
        if not abroad:
            return self.na(
                self.s(
                    "No recipient is outside the EU/EEA.", "Ingen mottagare finns utanför EU/EES."
                )
            )
        lines = []
        for recipient in abroad:
            line = (
                f"{recipient.name} ({w.country(recipient.country, self.lang)}): "
                f"{transfer_text(recipient, self.ctx)}"
            )
            if recipient.transfer_assessment:
                line += (
                    f"; {self.s('documentation', 'dokumentation')}: {recipient.transfer_assessment}"
                )
            lines.append(line)
        return RecordField(value="\n".join(lines))

    def security(self, system_ids: Iterable[str], path: str) -> RecordField:
        systems = [s for s in self.policy.systems if s.id in system_ids]
        if not systems:
            self.ctx.missing(path, "no system is declared, so no Art. 32 measures", rule="ROPA-01")
            return RecordField()
        lines = [f"{s.name}: {' '.join(security_points(s, self.ctx))}" for s in systems]
        return RecordField(value="\n".join(lines))

    def erasure(self, purpose: Purpose) -> RecordField:
        labels = ", ".join(self.label(c) for c in purpose.categories)
        return RecordField(value=f"{labels}: {retention_text(purpose, self.ctx)}.")

    def lawful_basis(self, purpose: Purpose) -> RecordField:
        basis = purpose.legal_basis
        article = w.cite(basis.article.removeprefix("Art. "), self.lang)
        text = f"{article} ({self.ctx.w(w.BASIS[basis])})"
        if purpose.law_reference:
            text += f"; {purpose.law_reference}"
        if purpose.legitimate_interest is not None:
            interest = self.ctx.t(
                purpose.legitimate_interest, f"purposes.{purpose.id}.legitimate_interest"
            )
            text += f"; {self.s('interest', 'intresse')}: {interest}"
            if purpose.balancing_test:
                text += (
                    f"; {self.s('balancing test', 'intresseavvägning')}: {purpose.balancing_test}"
                )
        return RecordField(value=text)

    def special(self, purpose: Purpose) -> RecordField:
        special = [c for c in purpose.categories if self.policy.category(c).special]
        condition = purpose.special_condition
        if not special or condition is None:
            return self.na(
                self.s(
                    "No special categories of personal data (Art. 9(1)).",
                    "Inga känsliga personuppgifter (artikel 9.1).",
                )
            )
        text = (
            f"{', '.join(self.label(c) for c in special)}: "
            f"{w.cite(condition.article.removeprefix('Art. '), self.lang)} "
            f"({self.ctx.w(w.SPECIAL[condition])})"
        )
        if purpose.special_law_reference:
            text += f"; {purpose.special_law_reference}"
        return RecordField(value=text)

    def source(self, purpose: Purpose) -> RecordField:
        lines = []
        for category_id in purpose.categories:
            category = self.policy.category(category_id)
            if not category.collected_from_subject:
                public = self.s(
                    "public" if category.source_public else "not public",
                    "allmänt tillgänglig" if category.source_public else "inte allmänt tillgänglig",
                )
                lines.append(f"{self.label(category_id)}: {category.source} ({public})")
        if not lines:
            return RecordField(
                value=self.s("Collected from the data subject.", "Samlas in från den registrerade.")
            )
        return RecordField(value="\n".join(lines))

    def processors(self, purpose: Purpose) -> RecordField:
        lines = []
        for recipient in self.recipients_of(purpose):
            if recipient.role is not RecipientRole.PROCESSOR:
                continue
            line = f"{recipient.name} ({w.country(recipient.country, self.lang)})"
            if recipient.contract is not None:
                line += f"; {self.s('agreement', 'avtal')}: {recipient.contract.reference}"
            lines.append(line)
        if not lines:
            return self.na(self.s("No processor is used.", "Inget personuppgiftsbiträde anlitas."))
        return RecordField(value="\n".join(lines))

    def activity(self, purpose: Purpose) -> ActivityRecord:
        path = f"purposes.{purpose.id}"
        recipients = self.recipients_of(purpose)
        subjects = [
            self.ctx.t(s.label, f"subject_categories.{s.id}.label")
            for s in self.policy.subject_categories
            if s.id in purpose.subject_categories
        ]
        name = self.purpose_name(purpose)
        description = self.ctx.t(purpose.description, f"{path}.description")
        return ActivityRecord(
            id=purpose.id,
            name=name,
            controller=self.controller(purpose),
            purposes=RecordField(value=f"{name}: {description}"),
            data_subjects=RecordField(value=", ".join(subjects))
            if subjects
            else self.na(self.s("No category declared.", "Ingen kategori angiven.")),
            personal_data=RecordField(value=", ".join(self.label(c) for c in purpose.categories)),
            recipients=RecordField(value="\n".join(self.recipient_line(r) for r in recipients))
            if recipients
            else RecordField(
                value=self.s("None outside the organisation.", "Inga utanför organisationen.")
            ),
            transfers=self.transfers(recipients),
            erasure_time_limits=self.erasure(purpose),
            security_measures=self.security(purpose.systems, f"{path}.systems"),
            lawful_basis=self.lawful_basis(purpose),
            special_category_condition=self.special(purpose),
            source=self.source(purpose),
            systems=RecordField(
                value=", ".join(s.name for s in self.policy.systems if s.id in purpose.systems)
            ),
            processors=self.processors(purpose),
        )

    def on_behalf(self, activity: ProcessingOnBehalf) -> OnBehalfRecord:
        path = f"processing_on_behalf.{activity.id}"
        org = self.policy.organisation
        contact = org.contact
        ours = ", ".join(p for p in (contact.name, contact.email, contact.phone) if p)
        parties = "\n".join(
            (
                f"{self.s('Processor', 'Personuppgiftsbiträde')}: {org.legal_name} ({ours})",
                (
                    f"{self.s('Controller', 'Personuppgiftsansvarig')}: {activity.controller} "
                    f"({activity.controller_contact})"
                ),
            )
        )
        transfers = (
            RecordField(value=self.ctx.t(activity.transfers, f"{path}.transfers"))
            if activity.transfers is not None
            else self.na(
                self.s(
                    "No transfers to third countries are declared for this activity.",
                    "Inga överföringar till tredjeländer är angivna för den här behandlingen.",
                )
            )
        )
        return OnBehalfRecord(
            id=activity.id,
            name=activity.controller,
            parties=RecordField(value=parties),
            processing=RecordField(value=self.ctx.t(activity.description, f"{path}.description")),
            transfers=transfers,
            security_measures=self.security(activity.systems, f"{path}.systems"),
        )

    def recipient(self, recipient: Recipient) -> RecipientRecord:
        used_for = [
            self.purpose_name(p) for p in self.policy.purposes if recipient.id in p.recipients
        ]
        return RecipientRecord(
            id=recipient.id,
            name=recipient.name,
            role=RecordField(value=self.ctx.w(w.ROLE_SHORT[recipient.role])),
            country=RecordField(value=w.country(recipient.country, self.lang)),
            transfer=self.transfers([recipient]),
            agreement=RecordField(value=recipient.contract.reference)
            if recipient.contract is not None
            else self.na(self.s("Not a processor.", "Inte ett personuppgiftsbiträde.")),
            purposes=RecordField(value=", ".join(used_for)),
        )


def records_of_processing(
    policy: Policy, *, as_of: dt.date, language: str = "en", extra_columns: bool = True
) -> RecordsOfProcessing:
    """Build the record of processing activities as of *as_of* (Art. 30; ROPA-01..06).

    Args:
        policy: The policy in force on *as_of*.
        as_of: The date the snapshot describes; recorded in every output (ROPA-03).
        language: ``"en"`` or ``"sv"``.
        extra_columns: Include lawful basis, Art. 9(2) condition, source, systems and
            processors (ROPA-06).

    Raises:
        DocumentError: the policy does not yet apply on *as_of*, or a required field
            cannot be filled from it; every gap is listed.
    """
    check_language(language, "records of processing")
    if as_of < policy.effective_date:
        msg = f"the policy applies from {policy.effective_date.isoformat()}, after as_of"
        raise DocumentError(Problem(path="as_of", message=msg, rule="ROPA-03"))
    builder = _Records(policy, language)
    records = RecordsOfProcessing(
        organisation=policy.organisation.legal_name,
        language=language,
        as_of=as_of,
        policy_version=policy.version,
        policy_hash=policy.content_hash,
        effective_date=policy.effective_date,
        extra_columns=extra_columns,
        activities=tuple(builder.activity(p) for p in policy.purposes),
        on_behalf=tuple(builder.on_behalf(a) for a in policy.processing_on_behalf),
        recipients=tuple(builder.recipient(r) for r in policy.recipients),
    )
    builder.ctx.raise_if_missing()
    return records


def _columns(records: RecordsOfProcessing, table: RecordTable) -> tuple[tuple[str, str, Text], ...]:
    if table is RecordTable.ACTIVITIES:
        return ACTIVITY_COLUMNS + (EXTRA_COLUMNS if records.extra_columns else ())
    if table is RecordTable.ON_BEHALF:
        return ON_BEHALF_COLUMNS
    return RECIPIENT_COLUMNS


def _rows(records: RecordsOfProcessing, table: RecordTable) -> tuple[Any, ...]:
    if table is RecordTable.ACTIVITIES:
        return records.activities
    if table is RecordTable.ON_BEHALF:
        return records.on_behalf
    return records.recipients


def _e(value: str) -> str:
    return html.escape(value, quote=False)


def _field_dict(field: RecordField) -> dict[str, Any]:
    return {"value": field.value, "status": field.status.value, "reason": field.reason}


def records_to_json(records: RecordsOfProcessing) -> str:
    """Return the record as JSON: keys sorted, UTF-8, with the snapshot date (ROPA-03)."""
    data: dict[str, Any] = {
        "kind": DocumentKind.RECORDS_OF_PROCESSING.value,
        "organisation": records.organisation,
        "language": records.language,
        "as_of": records.as_of.isoformat(),
        "policy": {
            "version": records.policy_version,
            "content_hash": records.policy_hash,
            "effective_date": records.effective_date.isoformat(),
        },
    }
    for table in RecordTable:
        columns = _columns(records, table)
        data[table.value] = [
            {
                "id": row.id,
                "name": row.name,
                **{key: _field_dict(getattr(row, attr)) for key, attr, _ in columns},
            }
            for row in _rows(records, table)
        ]
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def records_to_csv(
    records: RecordsOfProcessing, table: RecordTable | str = RecordTable.ACTIVITIES
) -> str:
    """Return one table of the record as CSV, columns in a fixed order.

    The first columns are ``as_of``, ``id`` and ``name``, then the Art. 30 letters in
    order, then the extra columns. A field that is not applicable or not possible
    reads ``not_applicable: <reason>``.
    """
    table = RecordTable(table)
    columns = _columns(records, table)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["as_of", "id", "name", *(key for key, _, _ in columns)])
    for row in _rows(records, table):
        writer.writerow(
            [
                records.as_of.isoformat(),
                row.id,
                row.name,
                *(getattr(row, attr).cell() for _, attr, _ in columns),
            ]
        )
    return out.getvalue()


_STATUS_WORDS = {
    FieldStatus.NOT_APPLICABLE: Text(en="not applicable", sv="ej tillämpligt"),
    FieldStatus.NOT_POSSIBLE: Text(en="not possible", sv="inte möjligt"),
}


def _markdown_field(label: str, field: RecordField, language: str) -> list[str]:
    if field.status is not FieldStatus.PROVIDED:
        status = _STATUS_WORDS[field.status].get(language)
        return [f"- **{_e(label)}:** {status}: {_e(field.reason or '')}"]
    lines = field.value.split("\n")
    if len(lines) == 1:
        return [f"- **{_e(label)}:** {_e(lines[0])}"]
    return [f"- **{_e(label)}:**", *(f"  - {_e(line)}" for line in lines)]


def records_to_markdown(records: RecordsOfProcessing) -> str:
    """Return the record as a Markdown document for people and supervisory authorities."""
    lang = records.language
    sv = lang == "sv"
    title = (
        f"Register över behandlingar (artikel 30) \N{EN DASH} {records.organisation}"
        if sv
        else f"Records of processing activities (Art. 30) \N{EN DASH} {records.organisation}"
    )
    snapshot = (
        f"Registret avser den {format_date(records.as_of, lang)}: policy version "
        f"{records.policy_version}, gäller från och med den "
        f"{format_date(records.effective_date, lang)}, fingeravtryck (SHA-256) "
        f"{records.policy_hash}."
        if sv
        else f"As of {format_date(records.as_of, lang)}: policy version "
        f"{records.policy_version}, effective from {format_date(records.effective_date, lang)}, "
        f"fingerprint (SHA-256) {records.policy_hash}."
    )
    lines = [f"# {_e(title)}", "", _e(snapshot), ""]
    headings = (
        (
            RecordTable.ACTIVITIES,
            "Behandlingar som personuppgiftsansvarig (artikel 30.1)",
            "Processing as controller (Art. 30(1))",
        ),
        (
            RecordTable.ON_BEHALF,
            "Behandlingar som personuppgiftsbiträde (artikel 30.2)",
            "Processing as processor (Art. 30(2))",
        ),
        (RecordTable.RECIPIENTS, "Mottagare", "Recipients"),
    )
    for table, sv_heading, en_heading in headings:
        rows = _rows(records, table)
        if not rows:
            continue
        lines += [f"## {sv_heading if sv else en_heading}", ""]
        for number, row in enumerate(rows, start=1):
            lines += [f"### {number}. {_e(row.name)}", ""]
            for _, attr, label in _columns(records, table):
                lines += _markdown_field(label.get(lang), getattr(row, attr), lang)
            lines.append("")
    return "\n".join(lines)


_RENDERERS = {
    DocumentFormat.JSON: records_to_json,
    DocumentFormat.MARKDOWN: records_to_markdown,
}


def publish_records(
    records: RecordsOfProcessing,
    fmt: DocumentFormat | str,
    *,
    table: RecordTable | str = RecordTable.ACTIVITIES,
) -> PublishedDocument:
    """Render the record in *fmt* with its hash, version and snapshot date (ROPA-03).

    Raises:
        DocumentError: HTML is not offered for the record.
    """
    fmt = DocumentFormat(fmt)
    if fmt is DocumentFormat.CSV:
        text = records_to_csv(records, table)
    elif fmt in _RENDERERS:
        text = _RENDERERS[fmt](records)
    else:
        problem = Problem(path="format", message=f"{fmt.value} is not available for the record")
        raise DocumentError(problem, source="records of processing")
    return PublishedDocument(
        kind=DocumentKind.RECORDS_OF_PROCESSING,
        language=records.language,
        format=fmt,
        policy_version=records.policy_version,
        policy_hash=records.policy_hash,
        effective_date=records.effective_date,
        as_of=records.as_of,
        text=text,
    )


@attrs.frozen(kw_only=True)
class Art30Exemption:
    """The outcome of the Art. 30(5) check (LEGAL.md ROPA-04).

    Attributes:
        exempt: Whether the organisation may go without the record; true only when
            every condition of Art. 30(5) is met.
        reasons: Why the record is required (each carve-out that applies), or why the
            exemption holds.
    """

    exempt: bool
    reasons: tuple[str, ...]


_HEADCOUNT_LIMIT = 250


def art30_exemption(
    policy: Policy,
    *,
    occasional: Iterable[str] = (),
    unlikely_to_result_in_risk: Iterable[str] = (),
) -> Art30Exemption:
    """Check the Art. 30(5) exemption; regular processing is never exempt (ROPA-04).

    The exemption needs fewer than 250 employees **and**, for every activity, that it
    is occasional, unlikely to result in any risk, and free of Art. 9(1) and Art. 10
    data. Each carve-out alone brings the obligation back (WP29 position paper, endorsed
    by the EDPB). The policy does not say which processing is occasional or risk-free,
    so the caller names those purposes; every other purpose counts as regular and
    risky, which keeps the record on.

    Args:
        policy: The policy.
        occasional: Ids of purposes the organisation has assessed as occasional.
        unlikely_to_result_in_risk: Ids of purposes assessed as unlikely to result in a
            risk to the rights and freedoms of data subjects.
    """
    occasional_ids = frozenset(occasional)
    low_risk = frozenset(unlikely_to_result_in_risk)
    reasons: list[str] = []
    headcount = policy.organisation.headcount
    if headcount is None:
        reasons.append("the headcount is not declared, so the 250-employee limit is not shown")
    elif headcount >= _HEADCOUNT_LIMIT:
        reasons.append(f"the organisation has {headcount} employees (250 or more)")
    for purpose in policy.purposes:
        if purpose.id not in occasional_ids:
            reasons.append(f"purpose {purpose.id!r} is regular, not occasional")
        if purpose.id not in low_risk:
            reasons.append(f"purpose {purpose.id!r} may result in a risk to data subjects")
        categories = [policy.category(c) for c in purpose.categories]
        if any(c.special for c in categories):
            reasons.append(f"purpose {purpose.id!r} includes Art. 9(1) data")
        if any(c.criminal_offence for c in categories):
            reasons.append(f"purpose {purpose.id!r} includes Art. 10 data")
    reasons.extend(
        f"processing {activity.id!r} for another controller is regular, not occasional"
        for activity in policy.processing_on_behalf
    )
    if reasons:
        return Art30Exemption(exempt=False, reasons=tuple(reasons))
    return Art30Exemption(
        exempt=True,
        reasons=(
            (
                f"{headcount} employees, and every purpose is occasional, unlikely to result in "
                "a risk and free of Art. 9(1) and Art. 10 data (Art. 30(5))"
            ),
        ),
    )
