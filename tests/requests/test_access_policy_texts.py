"""The texts an access package takes from the policy are the policy's own, every time.

Labels and retention wording are worked out once per policy (a policy is immutable), so
these tests pin that another policy object, even one equal but for one text, gets its
own words, and that a caller changing their package changes nothing for the next one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import attrs

from gdprkit.policy import Text
from gdprkit.requests import access_package
from gdprkit.requests.access import _STATIC, _cache, encoded_package
from gdprkit.requests.held import HeldField, HeldLink, HeldRecord, Holding

if TYPE_CHECKING:
    from gdprkit.policy.model import Policy

AT = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
ELIGIBLE = dt.datetime(2033, 12, 31, 23, 0, tzinfo=dt.UTC)


def _holding() -> Holding:
    record = HeldRecord(
        id="r-1",
        created_at=AT,
        managed=True,
        external_ref=None,
        fields=(HeldField(category="name", value="Ada"), HeldField(category="odd", value="x")),
        links=(
            HeldLink(purpose_id="bookkeeping", live=True, eligible_from=ELIGIBLE, restricted=False),
        ),
    )
    return Holding(subject_id="s-1", at=AT, records=(record,))


def _package(policy: Policy) -> dict[str, object]:
    package = access_package(
        policy, _holding(), request_id="q", received_at=AT, due=dt.date(2026, 4, 2)
    )
    return dict(package.data)


def _labels(data: dict[str, object]) -> dict[str, object]:
    items = data["personal_data"]["items"]  # type: ignore[index]
    return {f["category"]: f["label"] for f in items[0]["fields"]}


def _retention(data: dict[str, object]) -> dict[str, object]:
    item: dict[str, object] = data["retention"]["items"][0]  # type: ignore[index]
    return item


def test_a_policy_with_another_label_or_rule_gets_its_own_words(tfp_policy: Policy) -> None:
    before = _package(tfp_policy)  # warms whatever is kept for this policy
    assert _labels(before) == {
        "name": {"en": "Name", "sv": "Namn"},
        "odd": {"en": "odd", "sv": "odd"},  # not declared: its id in both languages
    }
    assert "Bokföringslagen 7 kap. 2 §" in _retention(before)["explanation"]["en"]  # type: ignore[index]

    name = next(c for c in tfp_policy.categories if c.id == "name")
    bookkeeping = next(p for p in tfp_policy.purposes if p.id == "bookkeeping")
    rule = bookkeeping.retention
    assert rule is not None
    renamed = attrs.evolve(name, label=Text(en="Full name", sv="Fullständigt namn"))
    ruled = attrs.evolve(bookkeeping, retention=attrs.evolve(rule, law_reference="Some law 1 §"))
    changes: dict[str, Any] = {
        "categories": tuple(renamed if c is name else c for c in tfp_policy.categories),
        "purposes": tuple(ruled if p is bookkeeping else p for p in tfp_policy.purposes),
    }
    changed = attrs.evolve(tfp_policy, **changes)
    after = _package(changed)
    assert _labels(after)["name"] == {"en": "Full name", "sv": "Fullständigt namn"}
    assert "Some law 1 §" in _retention(after)["explanation"]["en"]  # type: ignore[index]
    assert "Some law 1 §" in _retention(after)["rule"]["en"]  # type: ignore[index]
    listed = {c["id"]: c["label"] for c in after["categories"]["items"]}  # type: ignore[index]
    assert listed["name"] == {"en": "Full name", "sv": "Fullständigt namn"}
    # ... and the first policy still reads as it did.
    assert _package(tfp_policy) == before


def test_changing_a_package_changes_nothing_for_the_next(tfp_policy: Policy) -> None:
    first = _package(tfp_policy)
    want = _package(tfp_policy)
    _labels(first)["name"]["en"] = "changed"  # type: ignore[index]
    _retention(first)["rule"]["en"] = "changed"  # type: ignore[index]
    first["categories"]["items"][0]["label"]["sv"] = "ändrad"  # type: ignore[index]
    assert _package(tfp_policy) == want


def test_a_purpose_no_longer_declared_is_worded_plainly_and_not_kept(tfp_policy: Policy) -> None:
    record = HeldRecord(
        id="r-2",
        created_at=AT,
        managed=True,
        external_ref=None,
        fields=(HeldField(category="name", value="Ada"),),
        links=(HeldLink(purpose_id="gone", live=True, eligible_from=ELIGIBLE, restricted=False),),
    )
    holding = Holding(subject_id="s-1", at=AT, records=(record,))
    package = access_package(
        tfp_policy, holding, request_id="q", received_at=AT, due=dt.date(2026, 4, 2)
    )
    (item,) = package["retention"]["items"]
    assert item["purpose"] == "gone"
    assert item["rule"] is None
    assert item["status"] == "scheduled"
    assert item["explanation"]["en"].startswith("Kept through 31 December 2033; may be deleted")
    assert "gone" not in _cache(tfp_policy).ids._rules


def _shape(value: object) -> object:
    """The value with every dict's key order made visible (dicts as lists of pairs)."""
    if isinstance(value, dict):
        return [(key, _shape(inner)) for key, inner in value.items()]
    if isinstance(value, list):
        return [_shape(inner) for inner in value]
    return (type(value).__name__, value)


def test_the_cached_items_read_as_their_decoded_json(tfp_policy: Policy) -> None:
    """Each package's copy of a policy-only item is what decoding its JSON gives.

    Same values, same types (lists, not tuples) and keys in sorted order, whether the
    copy is the first made for the policy or a later one.
    """
    for _ in range(2):
        package, _encoded = encoded_package(
            tfp_policy, _holding(), request_id="q", received_at=AT, due=dt.date(2026, 4, 2)
        )
        for key in _STATIC:
            decoded = json.loads(json.dumps(package[key], sort_keys=True))
            assert _shape(package[key]) == _shape(decoded), key
