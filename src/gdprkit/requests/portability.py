"""The data a subject may take elsewhere (Art. 20; LEGAL.md DSR-15), as JSON and CSV.

A field is portable when all of these hold:

* **provided by the subject** (Art. 20(1)), including data observed from their use of
  the service: its category is declared ``collected_from_subject``;
* **processed on consent or contract** (Art. 20(1)(a): Art. 6(1)(a), 9(2)(a) or
  6(1)(b)): a live, not yet due link of the record rests on consent or contract and its
  purpose declares the category. Data kept only under a legal obligation, such as
  bookkeeping records (Art. 6(1)(c)), is not portable, though it is in the access answer;
* **processed by automated means** (Art. 20(1)(b)): everything gdprkit stores is.

Values held by the embedding service (referenced records) are not in gdprkit and are
listed by reference only. Pure.

**JSON** (``"schema": "gdprkit.portability/1"``): ``{schema, controller, subject_id,
request_id, generated_at, records: [{record_id, created_at, purposes, fields:
{category: {value, encoding}}}]}``; ``encoding`` is ``"utf-8"`` for text or
``"base64"`` for binary values.

**CSV** (RFC 4180, UTF-8, CRLF): header ``record_id,created_at,purposes,category,value,
encoding``, one row per field; ``purposes`` is space-separated. Values are written as
they are: a spreadsheet may interpret a value starting with ``=``, ``+``, ``-`` or
``@`` as a formula, so open the file as data.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import attrs

from gdprkit.errors import InvalidInputError, NotFoundError
from gdprkit.policy.vocab import LegalBasis
from gdprkit.requests.held import encode_value

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from gdprkit.policy.model import Policy
    from gdprkit.requests.held import HeldRecord, Holding

__all__ = ["CSV_HEADER", "PORTABLE_BASES", "SCHEMA", "PortabilityExport", "portable_fields"]

SCHEMA = "gdprkit.portability/1"
"""The schema name and version of the JSON export."""

PORTABLE_BASES = frozenset({LegalBasis.CONSENT, LegalBasis.CONTRACT})
"""The legal bases under which data is portable (Art. 20(1)(a))."""

CSV_HEADER = ("record_id", "created_at", "purposes", "category", "value", "encoding")
"""The columns of the CSV export."""


def portable_fields(
    policy: Policy,
    record: HeldRecord,
    *,
    now: dt.datetime,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return ``(categories, purposes)`` of *record* that are portable at *now*, sorted."""
    categories: set[str] = set()
    purposes: set[str] = set()
    for link in record.live_links:
        if link.due(now):
            continue
        try:
            purpose = policy.purpose(link.purpose_id)
        except NotFoundError:
            continue
        if purpose.legal_basis not in PORTABLE_BASES:
            continue
        purposes.add(purpose.id)
        categories.update(purpose.categories)
    provided = set()
    for field in record.fields:
        try:
            if policy.category(field.category).collected_from_subject:
                provided.add(field.category)
        except NotFoundError:
            continue
    chosen = categories & provided
    if not chosen:
        return (), ()
    return tuple(sorted(chosen)), tuple(sorted(purposes))


@attrs.frozen(kw_only=True)
class PortabilityExport:
    """The portable data of one subject (Art. 20); render with :meth:`to_json`, :meth:`to_csv`.

    Attributes:
        data: The JSON-able export (see the module docstring for the schema).
    """

    data: Mapping[str, Any] = attrs.field(repr=False)

    @classmethod
    def build(cls, policy: Policy, holding: Holding, *, request_id: str) -> PortabilityExport:
        """Select the portable fields of *holding* and build the export."""
        if not isinstance(request_id, str) or not request_id:
            raise InvalidInputError("request_id must be a request id")
        records = []
        for record in holding.records:
            if not record.managed:
                continue
            categories, purposes = portable_fields(policy, record, now=holding.at)
            if not categories:
                continue
            values = {f.category: f.value for f in record.fields}
            records.append(
                {
                    "record_id": record.id,
                    "created_at": record.created_at.isoformat(),
                    "purposes": list(purposes),
                    "fields": {c: encode_value(values[c]) for c in categories},
                }
            )
        return cls(
            data={
                "schema": SCHEMA,
                "controller": policy.organisation.legal_name,
                "subject_id": holding.subject_id,
                "request_id": request_id,
                "generated_at": holding.at.isoformat(),
                "records": records,
            }
        )

    @property
    def categories(self) -> tuple[str, ...]:
        """Every category in the export, sorted."""
        return tuple(sorted({c for r in self.data["records"] for c in r["fields"]}))

    def to_json(self) -> str:
        """Return the export as JSON: keys sorted, UTF-8, two-space indent, final newline."""
        return json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        """Return the export as CSV, one row per field (RFC 4180)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        for record in self.data["records"]:
            for category, field in sorted(record["fields"].items()):
                writer.writerow(
                    (
                        record["record_id"],
                        record["created_at"],
                        " ".join(record["purposes"]),
                        category,
                        field["value"],
                        field["encoding"],
                    )
                )
        return out.getvalue()
