"""Published documents are kept whole in the store, addressed by their hash (NOT-04, CON-01)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from gdprkit.documents import privacy_notice, publish
from gdprkit.errors import NaiveDatetimeError
from gdprkit.policy import load_policy
from gdprkit.publishing import keep_published
from gdprkit.storage import MemoryStore, SQLiteStore, Store

EXAMPLE = Path(__file__).parents[1] / "examples" / "true_fiction_production.toml"
AT = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    sqlite = SQLiteStore(tmp_path / "gdprkit.db")
    yield sqlite
    sqlite.close()


def test_notice_is_kept_whole_and_found_by_hash(store: Store) -> None:
    document = publish(privacy_notice(load_policy(EXAMPLE), language="sv"), "markdown")
    kept = keep_published(document, store, at=AT)
    assert kept.sha256 == document.sha256
    found = store.get_text(document.sha256)
    assert found is not None
    assert found.text == document.text
    assert found.language == "sv"
    assert found.kind == document.kind.value
    assert found.published_at == AT


def test_publishing_again_keeps_the_first_publication(store: Store) -> None:
    document = publish(privacy_notice(load_policy(EXAMPLE), language="en"), "html")
    first = keep_published(document, store, at=AT)
    again = keep_published(document, store, at=AT + dt.timedelta(days=30))
    assert again.published_at == first.published_at == AT


def test_naive_instant_is_refused_and_nothing_is_stored(store: Store) -> None:
    document = publish(privacy_notice(load_policy(EXAMPLE), language="en"), "markdown")
    with pytest.raises(NaiveDatetimeError):
        keep_published(document, store, at=dt.datetime(2026, 1, 1))  # noqa: DTZ001 - on purpose
    assert store.get_text(document.sha256) is None
