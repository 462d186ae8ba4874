"""One-click unsubscribe: an Art. 21(2) objection from one click, a suppression entry, nothing else."""

from __future__ import annotations

import base64
import datetime as dt
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rights_helpers import provider, taop_customer

from gdprkit.clock import SystemClock
from gdprkit.consent.unsubscribe import (
    ONE_CLICK_POST,
    SUPPRESSION_BASIS,
    UnsubscribeLinks,
    UnsubscribeSigner,
    UnsubscribeTokenError,
    derive_unsubscribe_keys,
    one_click_headers,
)
from gdprkit.errors import (
    AccessDenied,
    CryptoError,
    GdprKitError,
    InvalidInputError,
    NotDeclaredError,
    NotFoundError,
)
from gdprkit.service import EMAIL_INDEX, PrivacyService
from gdprkit.storage.memory import MemoryStore

BASE = "https://mail.example.org/unsubscribe"
SIGNER = UnsubscribeSigner(bytes(range(32)))
AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TOKEN = SIGNER.sign(
    subject_id="s-1", purpose_id="product_information", address=b"\x01" * 17, issued_at=AT
)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _audit_actions(service: PrivacyService, after: int = 0) -> list[str]:
    return [e.action for e in service.store.audit_entries(after_seq=after)]


def test_one_click_stops_product_mails_and_leaves_invoicing_untouched(taop: PrivacyService) -> None:
    subject, licence, mails = taop_customer(taop)
    links = UnsubscribeLinks(taop, provider())
    headers = links.headers(
        subject, "product_information", email="grace@example.org", base_url=BASE
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" == ONE_CLICK_POST
    uri = headers["List-Unsubscribe"]
    assert uri.startswith(f"<{BASE}?token=")
    assert uri.endswith(">")
    assert "grace" not in uri
    token = uri[len(f"<{BASE}?token=") : -1]
    seq, _ = taop.audit.head()
    licence_links = taop.links(licence)

    result = links.follow(token)

    assert _audit_actions(taop, seq) == ["subject.objection", "unsubscribe.followed"]
    assert taop.links(licence) == licence_links

    assert (result.subject_id, result.purpose_id, result.links_ended) == (
        subject,
        "product_information",
        1,
    )
    assert result.subject_known
    assert not result.consent_withdrawn
    assert links.is_suppressed("Grace@Example.org ", "product_information")
    assert not links.is_suppressed("grace@example.org", "invoicing")
    assert not links.is_suppressed("other@example.org", "product_information")
    with pytest.raises(AccessDenied):
        taop.read(mails, purpose="product_information", role="marketing", actor="mailer")
    invoice = taop.read(licence, purpose="invoicing", role="accounting", actor="accountant")
    assert invoice["invoice_records"] == "INV-2026-042 9 900 SEK"

    report = taop.engine.sweep()
    assert report.records_disposed == 1
    assert taop.store.get_record(mails) is None
    after = taop.read(licence, purpose="invoicing", role="accounting", actor="accountant")
    assert after == invoice
    assert taop.links(licence) == licence_links


def test_a_second_click_changes_nothing_more(taop: PrivacyService) -> None:
    subject, _, _ = taop_customer(taop)
    links = UnsubscribeLinks(taop, provider())
    token = links.token(subject, "product_information", email="grace@example.org")
    assert links.follow(token).links_ended == 1
    assert links.follow(token).links_ended == 0
    assert links.is_suppressed("grace@example.org", "product_information")


def test_the_suppression_entry_survives_erasure_and_holds_no_address(taop: PrivacyService) -> None:
    subject, _, _ = taop_customer(taop)
    links = UnsubscribeLinks(taop, provider())
    token = links.token(subject, "product_information", email="grace@example.org")
    links.follow(token)
    digest = links.suppressions.digest("grace@example.org")
    assert b"grace" not in digest
    # A key of its own: the suppression digest is not the subject blind-index digest.
    assert taop.find_subjects(email="grace@example.org") == [subject]
    assert taop.store.find_subjects(EMAIL_INDEX, digest) == []

    taop.end_purposes(subject, event="erasure")
    taop.engine.sweep_subject(subject, actor="dpo")
    assert taop.store.get_subject(subject) is None
    assert links.is_suppressed("grace@example.org", "product_information")
    again = links.follow(token)
    assert not again.subject_known
    assert again.links_ended == 0


def test_the_entry_records_its_basis(taop: PrivacyService) -> None:
    subject, _, _ = taop_customer(taop)
    links = UnsubscribeLinks(taop, provider())
    links.follow(links.token(subject, "product_information", email="grace@example.org"))
    store = taop.store
    digest = links.suppressions.digest("grace@example.org")
    if isinstance(store, MemoryStore):
        entries = [(e.digest, e.scope, e.basis) for e in store._t.suppressions.values()]
    else:
        entries = [
            tuple(row)
            for row in store._conn.execute("SELECT digest, scope, basis FROM suppressions")
        ]
    assert entries == [(digest, "product_information", SUPPRESSION_BASIS)]
    assert "6(1)(c)" in SUPPRESSION_BASIS
    assert "21(3)" in SUPPRESSION_BASIS


@pytest.mark.parametrize("purpose", ["invoicing", "delivery_and_licences", "bookkeeping"])
def test_no_link_for_a_purpose_that_is_not_direct_marketing(
    taop: PrivacyService, purpose: str
) -> None:
    subject, _, _ = taop_customer(taop)
    links = UnsubscribeLinks(taop, provider())
    with pytest.raises(NotDeclaredError, match="not direct marketing"):
        links.token(subject, purpose, email="grace@example.org")


def test_a_consent_based_marketing_purpose_also_withdraws_the_consent(taop: PrivacyService) -> None:
    subject, _, _ = taop_customer(taop)
    wording = taop.consent.publish_wording("partner_offers")
    taop.consent.grant(
        subject, "partner_offers", text_hash=wording, channel="web_form", mechanism="checkbox"
    )
    taop.store_record(
        subject, {"name": "Grace Hopper", "email": "grace@example.org"}, purposes=["partner_offers"]
    )
    links = UnsubscribeLinks(taop, provider())
    result = links.follow(links.token(subject, "partner_offers", email="grace@example.org"))
    assert result.consent_withdrawn
    assert result.links_ended == 1
    assert not taop.consent.is_permitted(subject, "partner_offers")
    assert links.is_suppressed("grace@example.org", "partner_offers")
    assert not links.is_suppressed("grace@example.org", "product_information")


def test_a_tampered_token_is_refused_and_nothing_is_written(taop: PrivacyService) -> None:
    subject, _, _ = taop_customer(taop)
    links = UnsubscribeLinks(taop, provider())
    token = links.token(subject, "product_information", email="grace@example.org")
    bad = token[:-1] + ("A" if token[-1] != "A" else "B")
    before = taop.audit.head()
    with pytest.raises(UnsubscribeTokenError) as info:
        links.follow(bad)
    assert str(info.value) == "the unsubscribe token is not valid"
    assert bad not in repr(info.value)
    assert isinstance(info.value, CryptoError)
    assert taop.audit.head() == before
    assert not links.is_suppressed("grace@example.org", "product_information")


def test_a_token_of_another_service_is_refused(taop: PrivacyService, taop_policy) -> None:
    subject, _, _ = taop_customer(taop)
    other = PrivacyService(taop_policy, MemoryStore(), provider())
    foreign = UnsubscribeLinks(other, provider()).token(
        subject, "product_information", email="grace@example.org"
    )
    with pytest.raises(UnsubscribeTokenError):
        UnsubscribeLinks(taop, provider()).follow(foreign)


def test_keys_need_the_stored_root_secret() -> None:
    with pytest.raises(NotFoundError, match="root secret"):
        derive_unsubscribe_keys(MemoryStore(), provider())


def test_no_key_in_a_repr(taop: PrivacyService) -> None:
    keys = derive_unsubscribe_keys(taop.store, provider())
    for thing in (keys, SIGNER, UnsubscribeLinks(taop, provider())):
        text = repr(thing)
        assert keys.token_key.hex() not in text
        assert repr(keys.token_key) not in text
        assert repr(keys.suppression_key) not in text


# --- the signer alone: any change refused -------------------------------------------------


def test_a_fresh_token_verifies() -> None:
    claim = SIGNER.verify(TOKEN)
    assert (claim.subject_id, claim.purpose_id, claim.issued_at) == (
        "s-1",
        "product_information",
        AT,
    )
    assert claim.address == b"\x01" * 17


@given(position=st.integers(min_value=0), replacement=st.sampled_from(ALPHABET))
def test_any_single_character_change_is_refused(position: int, replacement: str) -> None:
    i = position % len(TOKEN)
    if TOKEN[i] == replacement:
        replacement = "A" if TOKEN[i] != "A" else "B"
    tampered = TOKEN[:i] + replacement + TOKEN[i + 1 :]
    with pytest.raises(UnsubscribeTokenError):
        SIGNER.verify(tampered)


@given(position=st.integers(min_value=0), value=st.integers(min_value=1, max_value=255))
def test_any_single_byte_change_is_refused(position: int, value: int) -> None:
    raw = bytearray(base64.urlsafe_b64decode(TOKEN + "=" * (-len(TOKEN) % 4)))
    raw[position % len(raw)] ^= value
    tampered = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(UnsubscribeTokenError):
        SIGNER.verify(tampered)


@given(length=st.integers(min_value=0))
def test_any_truncation_is_refused(length: int) -> None:
    with pytest.raises(UnsubscribeTokenError):
        SIGNER.verify(TOKEN[: length % len(TOKEN)])


@given(garbage=st.one_of(st.text(max_size=300), st.binary(max_size=300), st.none(), st.integers()))
def test_garbage_is_refused_without_echo(garbage: object) -> None:
    if garbage == TOKEN:
        return
    with pytest.raises(UnsubscribeTokenError) as info:
        SIGNER.verify(garbage)
    assert str(info.value) == "the unsubscribe token is not valid"


def test_a_token_too_long_or_padded_is_refused() -> None:
    for bad in (TOKEN + "=", TOKEN + "A" * 3000, " " + TOKEN, TOKEN + "\n"):
        with pytest.raises(UnsubscribeTokenError):
            SIGNER.verify(bad)


def test_a_token_from_another_key_is_refused() -> None:
    other = UnsubscribeSigner(os.urandom(32))
    with pytest.raises(UnsubscribeTokenError):
        other.verify(TOKEN)


def test_the_signer_validates_its_input() -> None:
    with pytest.raises(InvalidInputError):
        UnsubscribeSigner(b"short")
    with pytest.raises(InvalidInputError):
        SIGNER.sign(subject_id="", purpose_id="p", address=b"\x01", issued_at=AT)
    with pytest.raises(InvalidInputError):
        SIGNER.sign(subject_id="s", purpose_id="p", address=b"", issued_at=AT)
    naive = dt.datetime(2026, 1, 1)  # noqa: DTZ001 - naive on purpose
    with pytest.raises(GdprKitError):
        SIGNER.sign(subject_id="s", purpose_id="p", address=b"\x01", issued_at=naive)


# --- headers --------------------------------------------------------------------------------


def test_headers_with_a_mailto_alternative() -> None:
    headers = one_click_headers(f"{BASE}?token=abc", mailto="mailto:unsubscribe@example.org")
    assert headers == {
        "List-Unsubscribe": f"<{BASE}?token=abc>, <mailto:unsubscribe@example.org>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/u",
        "https:///u",
        "https://example.org/u, <x>",
        "https://e.org/a b",
        "ftp://e.org",
        42,
    ],
)
def test_headers_refuse_what_would_break_the_header(url: object) -> None:
    with pytest.raises(InvalidInputError):
        one_click_headers(url)  # type: ignore[arg-type]


def test_the_url_keeps_an_existing_query() -> None:
    assert UnsubscribeLinks.url(f"{BASE}?list=news", "abc") == f"{BASE}?list=news&token=abc"
    with pytest.raises(InvalidInputError):
        UnsubscribeLinks.url(BASE, "a b")


def test_a_click_on_a_real_clock_withdraws_the_consent(taop_policy, store) -> None:
    service = PrivacyService(taop_policy, store, provider(), clock=SystemClock())
    subject = service.register_subject()
    wording = service.consent.publish_wording("partner_offers")
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    service.consent.grant(
        subject,
        "partner_offers",
        text_hash=wording,
        channel="web_form",
        mechanism="checkbox",
        at=now,
    )
    service.store_record(
        subject, {"email": "grace@example.org"}, purposes=["partner_offers"], collected_at=now
    )
    links = UnsubscribeLinks(service, provider())
    result = links.follow(links.token(subject, "partner_offers", email="grace@example.org"))
    assert result.consent_withdrawn
    assert not service.consent.is_permitted(subject, "partner_offers")
