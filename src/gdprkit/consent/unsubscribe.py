"""One-click unsubscribe links and the suppression list (Art. 21(2),(3); MFL 19 §; RFC 8058).

Every direct-marketing e-mail carries a link that, followed once, records an objection
to that marketing purpose (Art. 21(2): absolute, no balancing, no override) and leaves a
suppression entry so the person is not mailed again, even after everything else about
them is erased (Art. 21(3); LEGAL.md CON-15, DSR-17). Invoices, licence mails and other
non-marketing purposes are never affected: a link can only be issued for a purpose the
policy marks ``direct_marketing``.

The pieces:

* :class:`UnsubscribeSigner` signs and verifies the link's token: HMAC-SHA256 (from
  ``cryptography``, compared in constant time) over a version byte, the issue time, the
  subject id, the purpose id and the suppression digest of the address the message
  went to. A token that was changed in any byte, truncated or is not a token at all
  raises :class:`UnsubscribeTokenError`, which never says why and echoes nothing.
  Tokens do not expire: a link in an old e-mail must keep working (MFL 19 §: a free,
  simple opt-out in every message).
* :class:`SuppressionList` keeps "do not mail" entries: a keyed, truncated digest of
  the normalised address under a key of its own (never the subject blind-index key, so
  the two cannot be joined without both keys), scoped to a purpose id.
* :class:`UnsubscribeLinks` wires both to a :class:`~gdprkit.service.PrivacyService`:
  issue a token and the RFC 8058 headers, follow a token, ask whether an address is
  suppressed.
* :func:`one_click_headers` returns the ``List-Unsubscribe`` and
  ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` header values (RFC 8058 §3.1);
  mail providers POST the body ``List-Unsubscribe=One-Click`` to the HTTPS URI.

**The suppression entry's basis and retention.** The entry is kept under Art. 6(1)(c)
with Art. 21(3): after an objection the controller is obliged not to process the data
for direct marketing again, and it can only honour that over time by recognising the
address. It holds nothing but the keyed digest and the purpose id; it is kept for as
long as the organisation sends direct marketing, and it survives the subject's erasure
(Art. 17(3)(b)). See :data:`SUPPRESSION_BASIS`.

**Keys.** Both keys are derived with HKDF-SHA256 from the service's stored root
secret (the one :mod:`gdprkit.service._secrets` keeps wrapped by the key provider),
with labels of their own, so an application configures one key-encryption key and
every instance derives the same keys.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import struct
import urllib.parse
from typing import TYPE_CHECKING

import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from gdprkit._args import require_id
from gdprkit.clock import to_utc
from gdprkit.crypto.hazmat.blind_index import BlindIndex, normalize_email
from gdprkit.errors import (
    CryptoError,
    InvalidInputError,
    NotDeclaredError,
    NotFoundError,
)
from gdprkit.policy.vocab import ConsentChannel, LegalBasis
from gdprkit.retention.schedule import OBJECTION
from gdprkit.service._secrets import stored_root_keys
from gdprkit.storage.types import LinkState, Suppression

if TYPE_CHECKING:
    from gdprkit.clock import Clock
    from gdprkit.crypto import KeyProvider
    from gdprkit.policy.model import Policy, Purpose
    from gdprkit.service import PrivacyService
    from gdprkit.storage.keys import KeyStore
    from gdprkit.storage.protocol import Store

__all__ = [
    "ONE_CLICK_POST",
    "SUPPRESSION_BASIS",
    "SuppressionList",
    "UnsubscribeClaim",
    "UnsubscribeKeys",
    "UnsubscribeLinks",
    "UnsubscribeResult",
    "UnsubscribeSigner",
    "UnsubscribeTokenError",
    "derive_unsubscribe_keys",
    "one_click_headers",
]

ONE_CLICK_POST = "List-Unsubscribe=One-Click"
"""The ``List-Unsubscribe-Post`` header value and the POST body of a one-click unsubscribe."""

SUPPRESSION_BASIS = (
    "Art. 6(1)(c) with Art. 21(3): objection to direct marketing kept honoured; "
    "keyed digest of the address only; kept while direct marketing is sent; survives "
    "erasure (Art. 17(3)(b))"
)
"""The basis and retention recorded on every suppression entry (LEGAL.md DSR-17)."""

SUPPRESSION_INDEX = "suppression.email"
"""The name of the keyed digest suppression entries hold (its own key, not the subject's)."""

_VERSION = 1
_TAG = 32
_MAX_TOKEN = 2048
_TOKEN_TEXT = re.compile(r"[A-Za-z0-9_-]+")
_HEAD = struct.Struct(">Bq")  # version, issue time in microseconds since the epoch
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)
_TOKEN_LABEL = b"gdprkit/unsubscribe-token/v1"
_SUPPRESSION_LABEL = b"gdprkit/suppression/v1"


class UnsubscribeTokenError(CryptoError):
    """An unsubscribe token that is not valid: tampered, truncated, malformed or foreign.

    Like every :class:`~gdprkit.errors.CryptoError` it never says which, and it never
    echoes the token.
    """

    def __init__(self) -> None:
        super().__init__("the unsubscribe token is not valid")


@attrs.frozen(kw_only=True)
class UnsubscribeKeys:
    """The two keys one-click unsubscribe needs; never shown in a repr.

    Attributes:
        token_key: Signs and verifies unsubscribe tokens (HMAC-SHA256).
        suppression_key: The root of the suppression list's keyed digest.
    """

    token_key: bytes = attrs.field(repr=False)
    suppression_key: bytes = attrs.field(repr=False)


def derive_unsubscribe_keys(store: KeyStore, provider: KeyProvider) -> UnsubscribeKeys:
    """Derive the token and suppression keys from the service's stored root secret.

    The root secret is the one :class:`~gdprkit.service.PrivacyService` creates on first
    use and stores wrapped by *provider*; construct the service first.

    Raises:
        NotFoundError: no root secret is stored yet.
        KeyProviderError: *provider* is not the key-encryption key that wrapped it.
        CryptoError: the wrapped secret fails authentication.
    """
    token_key, suppression_key = stored_root_keys(store, provider, _TOKEN_LABEL, _SUPPRESSION_LABEL)
    return UnsubscribeKeys(token_key=token_key, suppression_key=suppression_key)


def _require_email(value: object) -> str:
    if not isinstance(value, str) or "@" not in value or len(value) > 320:  # noqa: PLR2004 - RFC 5321 limits
        raise InvalidInputError("email must be an e-mail address")
    return value


# --- tokens ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class UnsubscribeClaim:
    """What a verified unsubscribe token says.

    Attributes:
        subject_id: Who was mailed.
        purpose_id: The direct-marketing purpose the message was sent for.
        issued_at: When the token was made (UTC).
        address: The suppression digest of the address the message went to; it is
            what gets suppressed, so the objection holds even once the subject is erased.
    """

    subject_id: str
    purpose_id: str
    issued_at: dt.datetime
    address: bytes = attrs.field(repr=False)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class UnsubscribeSigner:
    """Signs and verifies unsubscribe tokens with HMAC-SHA256 (Art. 21(2); RFC 8058 §3.2).

    A token is URL-safe base64 (no padding) of::

        version (1) | issued_at µs (8) | len (2) subject id | len (1) purpose id
                    | len (1) address digest | HMAC-SHA256 tag (32)

    The tag covers every byte before it. Verification checks the text is the canonical
    encoding, then the tag in constant time, and only then reads the fields.

    Args:
        key: At least 32 secret bytes (see :func:`derive_unsubscribe_keys`).
    """

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes) or len(key) < 32:  # noqa: PLR2004 - 256-bit key
            raise InvalidInputError("the token key must be at least 32 bytes")
        self._mac = crypto_hmac.HMAC(key, hashes.SHA256())

    def __repr__(self) -> str:
        return "UnsubscribeSigner()"

    def sign(
        self,
        *,
        subject_id: str,
        purpose_id: str,
        address: bytes,
        issued_at: dt.datetime,
    ) -> str:
        """Return a token for one message to one address for one purpose."""
        subject = require_id(subject_id, "subject_id").encode("utf-8")
        purpose = require_id(purpose_id, "purpose_id").encode("utf-8")
        if not isinstance(address, bytes) or not 1 <= len(address) <= 255:  # noqa: PLR2004 - one length byte
            raise InvalidInputError("address must be a suppression digest")
        if len(subject) > 0xFFFF or len(purpose) > 255:  # noqa: PLR2004 - the length fields
            raise InvalidInputError("subject_id or purpose_id is too long for a token")
        at = to_utc(issued_at, what="sign(issued_at)")
        body = b"".join(
            (
                _HEAD.pack(_VERSION, (at - _EPOCH) // _MICRO),
                struct.pack(">H", len(subject)),
                subject,
                bytes((len(purpose),)),
                purpose,
                bytes((len(address),)),
                address,
            )
        )
        mac = self._mac.copy()
        mac.update(body)
        return _b64(body + mac.finalize())

    def verify(self, token: object) -> UnsubscribeClaim:
        """Return what *token* says, or raise if it is not exactly a token this key signed.

        Raises:
            UnsubscribeTokenError: tampered, truncated, re-encoded, foreign or garbage.
        """
        if (
            not isinstance(token, str)
            or len(token) > _MAX_TOKEN
            or _TOKEN_TEXT.fullmatch(token) is None
        ):
            raise UnsubscribeTokenError
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise UnsubscribeTokenError from None
        # Unused low bits of the last character would decode to the same bytes.
        if _b64(raw) != token or len(raw) <= _HEAD.size + _TAG:
            raise UnsubscribeTokenError
        body, tag = raw[:-_TAG], raw[-_TAG:]
        mac = self._mac.copy()
        mac.update(body)
        try:
            mac.verify(tag)
        except InvalidSignature:
            raise UnsubscribeTokenError from None
        try:
            return _parse(body)
        except (struct.error, ValueError, IndexError):  # pragma: no cover - only we sign
            raise UnsubscribeTokenError from None


def _parse(body: bytes) -> UnsubscribeClaim:
    version, micros = _HEAD.unpack_from(body)
    if version != _VERSION:
        raise ValueError(version)
    at = _HEAD.size
    (n,) = struct.unpack_from(">H", body, at)
    subject = body[at + 2 : at + 2 + n].decode("utf-8")
    at += 2 + n
    purpose = body[at + 1 : at + 1 + body[at]].decode("utf-8")
    at += 1 + body[at]
    address = body[at + 1 : at + 1 + body[at]]
    at += 1 + body[at]
    if at != len(body) or not subject or not purpose or not address:
        raise ValueError(at)
    return UnsubscribeClaim(
        subject_id=subject,
        purpose_id=purpose,
        issued_at=_EPOCH + micros * _MICRO,
        address=address,
    )


def one_click_headers(url: str, *, mailto: str | None = None) -> dict[str, str]:
    """Return the RFC 8058 header values for a one-click unsubscribe link.

    Args:
        url: The HTTPS URI the mail provider POSTs ``List-Unsubscribe=One-Click`` to; it
            must carry the token (the POST body is fixed, RFC 8058 §3.1).
        mailto: Optionally a ``mailto:`` alternative for clients without one-click.

    Returns:
        ``{"List-Unsubscribe": "<https://…>", "List-Unsubscribe-Post":
        "List-Unsubscribe=One-Click"}``; sign both with DKIM (RFC 8058 §4).

    Raises:
        InvalidInputError: *url* is not an absolute HTTPS URI, or either value would
            break the header (angle brackets, commas, whitespace).
    """
    uris = [_header_uri(url, "https", "url")]
    if mailto is not None:
        uris.append(_header_uri(mailto, "mailto", "mailto"))
    return {
        "List-Unsubscribe": ", ".join(f"<{u}>" for u in uris),
        "List-Unsubscribe-Post": ONE_CLICK_POST,
    }


def _header_uri(value: object, scheme: str, what: str) -> str:
    if not isinstance(value, str) or any(c in value for c in "<>, \t\r\n"):
        raise InvalidInputError(f"{what} must be a URI without spaces, commas or angle brackets")
    parsed = urllib.parse.urlsplit(value)
    if parsed.scheme != scheme or (scheme == "https" and not parsed.netloc):
        raise InvalidInputError(f"{what} must be an absolute {scheme}: URI")
    return value


# --- suppression ----------------------------------------------------------------------


class SuppressionList:
    """Do-not-mail entries that outlive the person's other data (Art. 21(3); DSR-17).

    Args:
        store: Where entries are kept (:class:`~gdprkit.storage.protocol.SuppressionStore`).
        key: The suppression root key (see :func:`derive_unsubscribe_keys`); never the
            subject blind-index key.
        clock: The source of "now".
    """

    def __init__(self, store: Store, key: bytes, *, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._index = BlindIndex(key, name=SUPPRESSION_INDEX, normalize=normalize_email)

    def __repr__(self) -> str:
        return f"SuppressionList(store={self._store!r})"

    def digest(self, email: str) -> bytes:
        """Return the keyed digest of the normalised address, as stored in entries."""
        return self._index.digest(_require_email(email))

    def add(self, digest: bytes, scope: str) -> None:
        """Suppress a digest for a scope (a purpose id); adding it again changes nothing."""
        if not isinstance(digest, bytes) or not digest:
            raise InvalidInputError("digest must be a suppression digest")
        self._store.add_suppression(
            Suppression(
                digest=digest,
                scope=require_id(scope, "scope"),
                created_at=self._clock.now(),
                basis=SUPPRESSION_BASIS,
            )
        )

    def is_suppressed(self, email: str, scope: str) -> bool:
        """Return whether *email* must not be mailed for *scope* (a purpose id)."""
        wanted = require_id(scope, "purpose")
        return any(
            self._store.is_suppressed(d, wanted) for d in self._index.lookups(_require_email(email))
        )


# --- the links ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class UnsubscribeResult:
    """What following an unsubscribe link did.

    Attributes:
        subject_id: Whose objection it is.
        purpose_id: The direct-marketing purpose objected to.
        at: When it took effect (UTC).
        links_ended: The subject's links to the purpose ended now (0 once erased, or on a
            second click).
        consent_withdrawn: Whether a consent to the purpose was also withdrawn (a
            consent-based marketing purpose that declares the e-mail link channel).
        subject_known: Whether the subject was still stored; the suppression entry is
            written either way.
    """

    subject_id: str
    purpose_id: str
    at: dt.datetime
    links_ended: int
    consent_withdrawn: bool
    subject_known: bool


def _marketing_purpose(policy: Policy, purpose_id: str) -> Purpose:
    purpose = policy.purpose(require_id(purpose_id, "purpose"))
    if not purpose.direct_marketing:
        raise NotDeclaredError(
            f"purpose {purpose.id!r} is not direct marketing; unsubscribe links are only for "
            "direct marketing (Art. 21(2))"
        )
    return purpose


class UnsubscribeLinks:
    """Issues and follows one-click unsubscribe links for a service (Art. 21(2),(3); CON-15).

    Args:
        service: The privacy service whose subjects are mailed.
        key_provider: The key-encryption key the service was built with; the token and
            suppression keys are derived from the service's root secret through it.

    Attributes:
        suppressions: The suppression list the links write to.
    """

    def __init__(self, service: PrivacyService, key_provider: KeyProvider) -> None:
        keys = derive_unsubscribe_keys(service.store, key_provider)
        self._service = service
        self._clock = service.clock
        self._signer = UnsubscribeSigner(keys.token_key)
        self.suppressions = SuppressionList(service.store, keys.suppression_key, clock=self._clock)

    def __repr__(self) -> str:
        return f"UnsubscribeLinks(service={self._service!r})"

    def token(self, subject_id: str, purpose_id: str, *, email: str) -> str:
        """Return the token for one message to *email* for a direct-marketing purpose.

        Raises:
            NotDeclaredError: the purpose is not direct marketing (invoices, licence
                mails and the like cannot be unsubscribed from).
            NotFoundError: an unknown purpose.
            InvalidInputError: a malformed argument.
        """
        purpose = _marketing_purpose(self._service.policy, purpose_id)
        return self._signer.sign(
            subject_id=require_id(subject_id, "subject_id"),
            purpose_id=purpose.id,
            address=self.suppressions.digest(email),
            issued_at=self._clock.now(),
        )

    @staticmethod
    def url(base_url: str, token: str) -> str:
        """Return *base_url* with the token as its ``token`` query parameter."""
        _header_uri(base_url, "https", "base_url")
        if not isinstance(token, str) or _TOKEN_TEXT.fullmatch(token) is None:
            raise InvalidInputError("token must be an unsubscribe token")
        joiner = "&" if urllib.parse.urlsplit(base_url).query else "?"
        return f"{base_url}{joiner}token={token}"

    def headers(
        self,
        subject_id: str,
        purpose_id: str,
        *,
        email: str,
        base_url: str,
        mailto: str | None = None,
    ) -> dict[str, str]:
        """Return the RFC 8058 headers for one message, with a fresh token in the URL."""
        token = self.token(subject_id, purpose_id, email=email)
        return one_click_headers(self.url(base_url, token), mailto=mailto)

    def follow(self, token: str, *, actor: str = "unsubscribe-link") -> UnsubscribeResult:
        """Record the Art. 21(2) objection a token stands for, at once; idempotent.

        In one transaction: the address is suppressed for the purpose; the subject's
        live links to the purpose end now (``end_purposes(event="objection")``), so
        reads for it are refused from this instant and the next sweep removes what no
        other purpose needs; a consent to a consent-based marketing purpose is also
        withdrawn where the purpose declares the e-mail link as a withdrawal channel.
        No other purpose is touched. An objection to direct marketing is absolute:
        there is nothing to override (Art. 21(3)).

        Raises:
            UnsubscribeTokenError: the token is not valid (nothing is written).
        """
        claim = self._signer.verify(token)
        require_id(actor, "actor")
        service = self._service
        store = service.store
        now = self._clock.now()
        try:
            purpose: Purpose | None = service.policy.purpose(claim.purpose_id)
        except NotFoundError:
            purpose = None  # no longer declared: the entry still keeps the promise
        withdrawn = False
        ended = 0
        with store.transaction():
            self.suppressions.add(claim.address, claim.purpose_id)
            known = store.get_subject(claim.subject_id) is not None
            if known and purpose is not None:
                withdrawn = self._withdraw_consent(claim.subject_id, purpose, actor)
                # A link that already has the objection keeps its first instant.
                pending = [
                    link.record_id
                    for link in store.links_of_subject(claim.subject_id)
                    if link.purpose_id == purpose.id
                    and link.state is LinkState.LIVE
                    and OBJECTION not in link.triggers
                ]
                if pending:
                    ended = service.end_purposes(
                        claim.subject_id,
                        event=OBJECTION,
                        purposes=[purpose.id],
                        record_ids=pending,
                        actor=actor,
                    )
            service.audit.append(
                actor=actor,
                action="unsubscribe.followed",
                ids=[claim.subject_id],
                details={
                    "purpose": claim.purpose_id,
                    "article": "21(2)",
                    "issued_at": claim.issued_at.isoformat(),
                    "links": ended,
                    "consent_withdrawn": withdrawn,
                    "suppressed": True,
                },
            )
        return UnsubscribeResult(
            subject_id=claim.subject_id,
            purpose_id=claim.purpose_id,
            at=now,
            links_ended=ended,
            consent_withdrawn=withdrawn,
            subject_known=known,
        )

    def _withdraw_consent(self, subject_id: str, purpose: Purpose, actor: str) -> bool:
        definition = purpose.consent
        if (
            purpose.legal_basis is not LegalBasis.CONSENT
            or definition is None
            or ConsentChannel.EMAIL_LINK not in definition.withdraw_channels
        ):
            return False
        ledger = self._service.consent
        if not ledger.is_permitted(subject_id, purpose.id):
            return False
        # ``at`` is passed: the ledger would read a moving clock twice and see the future.
        ledger.withdraw(
            subject_id,
            purpose.id,
            channel=ConsentChannel.EMAIL_LINK.value,
            at=self._clock.now(),
            actor=actor,
        )
        return True

    def is_suppressed(self, email: str, purpose_id: str) -> bool:
        """Return whether *email* must not be mailed for the purpose; check before every send."""
        return self.suppressions.is_suppressed(email, purpose_id)
