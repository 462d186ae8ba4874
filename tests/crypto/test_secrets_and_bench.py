import base64
import importlib.util
import logging
import os
import sys
from pathlib import Path

import pytest

from gdprkit.crypto import FieldCipher, FieldContext, Keyring, LocalKeyProvider, RewrapProgress
from gdprkit.crypto._keyring import _wrap_aad
from gdprkit.errors import CryptoError, KeyProviderError
from gdprkit.storage.keys import subject_key_owner

PLAINTEXT = b"ada.lovelace@example.org"
CONTEXT = FieldContext(record_id="r-1", category_id="email", subject_id="s-1")


def _forms(secret):
    return {
        secret.hex(),
        repr(secret),
        base64.b64encode(secret).decode(),
        base64.urlsafe_b64encode(secret).decode().rstrip("="),
    }


def _assert_clean(text, secrets):
    for secret in secrets:
        for form in _forms(secret):
            assert form not in text


def test_no_secret_in_any_repr_or_error(store, clock, caplog):
    caplog.set_level(logging.DEBUG)
    kek = os.urandom(32)
    provider = LocalKeyProvider({1: kek}, kek_id="test")
    keyring = Keyring(store, provider, clock=clock)
    cipher = FieldCipher(keyring)
    token = cipher.encrypt(PLAINTEXT, CONTEXT)
    (wrapped,) = store.wrapped_keys_of(subject_key_owner("s-1"))
    data_key = provider.unwrap(
        wrapped.wrapped,
        version=1,
        associated_data=_wrap_aad(wrapped.owner, wrapped.version, wrapped.key_id),
    )
    secrets = [kek, data_key, PLAINTEXT]

    errors = []
    for bad in (token[:-1], token[:5] + bytes(len(token) - 5), b"x" + PLAINTEXT * 2):
        with pytest.raises(CryptoError) as info:
            cipher.decrypt(bad, CONTEXT)
        errors.append(info.value)
    with pytest.raises(CryptoError) as info:
        cipher.decrypt(token, FieldContext(record_id="r-2", category_id="email", subject_id="s-1"))
    errors.append(info.value)
    with pytest.raises(KeyProviderError) as info:
        LocalKeyProvider.from_env(
            environ={"GDPRKIT_KEK": "1:" + base64.urlsafe_b64encode(kek).decode() + "!"}
        )
    errors.append(info.value)

    kept = cipher.erase_subject("s-1", reason="erasure request", keep=[(token, CONTEXT)])
    entry = next(iter(keyring._by_header.values()))
    objects = [
        provider,
        keyring,
        cipher,
        CONTEXT,
        kept,
        kept.receipt,
        RewrapProgress(rewrapped=1, last_key_id=2, done=True),
        wrapped,
        entry,
    ]
    new_key = store.wrapped_keys_of(subject_key_owner("s-1"))[0]
    secrets.append(
        provider.unwrap(
            new_key.wrapped,
            version=1,
            associated_data=_wrap_aad(new_key.owner, new_key.version, new_key.key_id),
        )
    )
    for obj in objects:
        _assert_clean(repr(obj), secrets)
        _assert_clean(str(obj), secrets)
    for error in errors:
        _assert_clean(str(error), secrets)
        _assert_clean(repr(error), secrets)
        assert error.__cause__ is None
    _assert_clean(caplog.text, secrets)


# -- the benchmark, in miniature (no timing assertions) -------------------------


@pytest.fixture(scope="module")
def bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_cipher.py"
    spec = importlib.util.spec_from_file_location("bench_cipher", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_cipher"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["bench_cipher"]


def test_bench_single_key_produces_numbers(bench):
    samples = bench.bench_single_key(16, n=20, repeats=2)
    assert set(samples) == {
        f"{k}_{op}" for k in ("bare", "raw", "fc", "fernet") for op in ("enc", "dec")
    }
    assert all(len(times) == 2 and min(times) > 0 for times in samples.values())
    assert bench.speedup(samples, "fc_enc", over="raw_enc") > 0


def test_bench_subjects_produces_numbers(bench):
    samples = bench.bench_subjects(subjects=20, n=20, repeats=2)
    assert {"setup", "one_enc", "many_enc", "raw_many_enc", "one_dec", "many_dec"} <= set(samples)
    assert all(min(times) > 0 for times in samples.values())


def test_bench_speedup_is_the_median_of_paired_ratios(bench):
    samples = {"fc": [2.0, 1.0, 4.0], "raw": [1.0, 1.0, 1.0]}
    assert bench.speedup(samples, "fc", over="raw") == 0.5
    assert bench.median(samples, "fc") == 2.0


def test_bench_main_quick(bench, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["bench_cipher.py", "--quick"])
    bench.main()
    out = capsys.readouterr().out
    assert "FC/raw" in out
    assert "Per-subject keys" in out
    verdicts = [line.split()[0] for line in out.splitlines() if "(target >=" in line]
    assert len(verdicts) == 3 * 2 * 2 + 2
    assert set(verdicts) <= {"PASS", "FAIL"}
    assert out.rstrip().splitlines()[-1].endswith(f"of {len(verdicts)} targets met")
