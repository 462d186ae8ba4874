import base64
import datetime as dt
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gdprkit.crypto
import gdprkit.crypto.hazmat
from gdprkit.clock import FixedClock
from gdprkit.crypto import (
    DEFAULT_KEK_ENV,
    FieldCipher,
    FieldContext,
    KeyProvider,
    Keyring,
    LocalKeyProvider,
    generate_kek,
    token_from_text,
    token_to_text,
)
from gdprkit.errors import CryptoError, KeyProviderError
from gdprkit.storage.memory import MemoryStore

CONTEXT = FieldContext(record_id="r-1", category_id="email", subject_id="s-1")


def test_text_form_round_trip(cipher):
    token = cipher.encrypt(b"ada@example.org", CONTEXT)
    text = token_to_text(token)
    assert text.startswith("gk1.")
    assert "=" not in text
    assert token_from_text(text) == token
    assert cipher.decrypt(token_from_text(text), CONTEXT) == b"ada@example.org"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "gk1.",
        "gk2.AAAA",
        "gk1.A",
        "gk1.AAAA=",
        "gk1. AAAA",
        "gk1.AA+A",
        "GK1.AAAA",
        "gk1." + "A" * 45 + "B",  # 34 bytes with non-zero trailing bits: not canonical
        b"gk1.AAAA",
        None,
    ],
)
def test_bad_text_forms_are_rejected(text):
    with pytest.raises(CryptoError) as info:
        token_from_text(text)
    assert type(info.value) is CryptoError
    assert str(info.value) == "invalid token"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120))
def test_fuzz_token_parser(cipher_for_fuzz, data):
    cipher, token = cipher_for_fuzz
    if data == token:
        assert cipher.decrypt(data, CONTEXT) == b"fuzz"
        return
    with pytest.raises(CryptoError) as info:
        cipher.decrypt(data, CONTEXT)
    assert type(info.value) is CryptoError
    assert str(info.value) == "invalid token"


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=33, max_size=80), st.integers(min_value=0, max_value=4))
def test_fuzz_tokens_with_a_real_header(cipher_for_fuzz, body, cut):
    cipher, token = cipher_for_fuzz
    forged = token[:5] + body[: len(body) - cut]
    with pytest.raises(CryptoError) as info:
        cipher.decrypt(forged, CONTEXT)
    assert type(info.value) is CryptoError


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_fuzz_text_form(text):
    canonical = False
    try:
        token = token_from_text(text)
        canonical = token_to_text(token) == text
    except CryptoError as exc:
        message = str(exc)
    else:
        message = "invalid token"
        assert canonical
    assert message == "invalid token"


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=33, max_size=100))
def test_text_form_is_a_bijection(token):
    assert token_from_text(token_to_text(token)) == token


@pytest.fixture(scope="module")
def cipher_for_fuzz():
    keyring = Keyring(
        MemoryStore(),
        LocalKeyProvider({1: os.urandom(32)}),
        clock=FixedClock(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
    )
    cipher = FieldCipher(keyring)
    return cipher, cipher.encrypt(b"fuzz", CONTEXT)


# -- the local key provider ------------------------------------------------------


def test_generate_kek_and_load_from_env():
    entries = f"{generate_kek(1)},{generate_kek(2)}"
    provider = LocalKeyProvider.from_env(environ={DEFAULT_KEK_ENV: entries}, kek_id="dev")
    assert provider.kek_id == "dev"
    assert provider.versions == (1, 2)
    assert provider.current_version == 2
    assert isinstance(provider, KeyProvider)
    version, wrapped = provider.wrap(b"k" * 32, associated_data=b"ad")
    assert version == 2
    assert provider.unwrap(wrapped, version=2, associated_data=b"ad") == b"k" * 32
    with pytest.raises(CryptoError):
        provider.unwrap(wrapped, version=2, associated_data=b"other")
    with pytest.raises(CryptoError):
        provider.unwrap(b"short", version=2, associated_data=b"ad")
    with pytest.raises(KeyProviderError):
        provider.unwrap(wrapped, version=3, associated_data=b"ad")


def test_load_from_file(tmp_path):
    path = tmp_path / "kek"
    path.write_text(f"# development KEKs\n{generate_kek(1)}\n\n{generate_kek(3)}  # newest\n")
    provider = LocalKeyProvider.from_file(path)
    assert provider.versions == (1, 3)
    assert provider.current_version == 3
    with pytest.raises(KeyProviderError):
        LocalKeyProvider.from_file(tmp_path / "missing")


def test_kek_from_another_kek_id_is_not_interchangeable():
    key = os.urandom(32)
    a = LocalKeyProvider({1: key}, kek_id="a")
    b = LocalKeyProvider({1: key}, kek_id="b")
    _, wrapped = a.wrap(b"k" * 32, associated_data=b"ad")
    with pytest.raises(CryptoError):
        b.unwrap(wrapped, version=1, associated_data=b"ad")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1",
        "x:AAAA",
        "1:" + base64.urlsafe_b64encode(b"short").decode(),
        "1:!!!!",
        f"{generate_kek(1)},{generate_kek(1)}",
    ],
)
def test_malformed_kek_entries_do_not_echo(text):
    with pytest.raises(KeyProviderError) as info:
        LocalKeyProvider.from_env(environ={DEFAULT_KEK_ENV: text})
    secret = text.partition(":")[2]
    assert not secret or secret not in str(info.value)


def test_provider_argument_checks():
    with pytest.raises(KeyProviderError):
        LocalKeyProvider({})
    with pytest.raises(KeyProviderError):
        LocalKeyProvider({0: os.urandom(32)})
    with pytest.raises(KeyProviderError):
        LocalKeyProvider({1: os.urandom(16)})
    with pytest.raises(KeyProviderError):
        LocalKeyProvider({1: os.urandom(32)}, current_version=2)
    with pytest.raises(KeyProviderError):
        LocalKeyProvider.from_env("GDPRKIT_TEST_UNSET_VARIABLE", environ={})
    with pytest.raises(ValueError):
        generate_kek(0)


# -- public surface ----------------------------------------------------------------


@pytest.mark.parametrize("module", [gdprkit.crypto, gdprkit.crypto.hazmat])
def test_all_is_sorted_and_complete(module):
    # Sorted the way ruff's RUF022 keeps them: constants, classes, functions.
    def group(name):
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert list(module.__all__) == sorted(module.__all__, key=group)
    for name in module.__all__:
        assert hasattr(module, name)
    public = {
        n for n, v in vars(module).items() if not n.startswith("_") and not isinstance(v, type(os))
    }
    assert public <= set(module.__all__)
