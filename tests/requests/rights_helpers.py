"""Shared helpers: the key-encryption key, the customers of both example policies."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from gdprkit.crypto import LocalKeyProvider

if TYPE_CHECKING:
    from gdprkit.service import PrivacyService

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
KEK = {1: bytes(range(32))}


def provider() -> LocalKeyProvider:
    """The key-encryption key every service in these tests is built with."""
    return LocalKeyProvider(KEK)


TFP_CUSTOMER = {
    "name": "Ada Lovelace",
    "postal_address": "Storgatan 1, 111 22 Stockholm",
    "email": "ada@example.org",
    "phone": "+46 70 000 00 00",
    "invoice_records": "INV-2026-001 1 250 SEK",
}

TAOP_CUSTOMER = {
    "name": "Grace Hopper",
    "email": "grace@example.org",
    "company": "Cobol AB",
    "postal_address": "Sveavägen 2, 113 50 Stockholm",
    "licence_records": "LIC-7 Planner Pro",
    "invoice_records": "INV-2026-042 9 900 SEK",
}


def tfp_customer(
    service: PrivacyService, *, invoice_date: dt.date = dt.date(2026, 3, 2)
) -> tuple[str, str, str]:
    """A True Fiction customer with an invoice and a newsletter record.

    Returns (subject id, customer record id, marketing record id).
    """
    subject = service.register_subject(email="ada@example.org")
    record = service.store_record(
        subject,
        TFP_CUSTOMER,
        purposes=["contract", "bookkeeping"],
        triggers={"financial_year_end": invoice_date},
        record_id="r-customer",
    )
    marketing = service.store_record(
        subject,
        {"name": "Ada Lovelace", "email": "ada@example.org"},
        purposes=["email_marketing"],
        triggers={"last_activity": invoice_date},
        record_id="r-marketing",
    )
    return subject, record, marketing


def taop_customer(service: PrivacyService) -> tuple[str, str, str]:
    """An Art Of Planning customer with a licence, an invoice and product mails.

    Returns (subject id, licence and invoice record id, product-mail record id).
    """
    subject = service.register_subject(email="grace@example.org")
    record = service.store_record(
        subject,
        TAOP_CUSTOMER,
        purposes=["delivery_and_licences", "invoicing", "bookkeeping"],
        triggers={"financial_year_end": dt.date(2026, 3, 2)},
        record_id="r-licence",
    )
    mails = service.store_record(
        subject,
        {"name": "Grace Hopper", "email": "grace@example.org", "marketing_preferences": "weekly"},
        purposes=["product_information"],
        triggers={"last_activity": dt.date(2026, 3, 2)},
        record_id="r-mails",
    )
    return subject, record, mails
