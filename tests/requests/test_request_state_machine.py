"""A property test of the request lifecycle: any sequence of moves keeps the rules.

A model tracks what each request's state should be; every move the desk accepts must
be one the model allows, every move it refuses must leave the store and the audit log
as they were, a deadline is extended at most once and only within its first month,
and the audit chain always verifies.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from rights_helpers import START, provider

from gdprkit.clock import FixedClock
from gdprkit.errors import DeadlineError
from gdprkit.legaltime import request_deadline
from gdprkit.policy import load_policy
from gdprkit.policy.examples import example_path
from gdprkit.requests import RequestState, RequestStateError, RightsDesk
from gdprkit.service import PrivacyService
from gdprkit.storage.memory import MemoryStore

POLICY = load_policy(example_path("true_fiction_production"))
TZ = POLICY.organisation.time_zone
R, A, P = RequestState.RECEIVED, RequestState.AWAITING_IDENTITY, RequestState.IN_PROGRESS
OPEN = {R, A, P}


class RequestLifecycle(RuleBasedStateMachine):
    requests = Bundle("requests")

    @initialize()
    def setup(self) -> None:
        self.clock = FixedClock(START)
        self.service = PrivacyService(POLICY, MemoryStore(), provider(), clock=self.clock)
        self.subject = self.service.register_subject()
        self.service.store_record(self.subject, {"name": "Ada"}, purposes=["contract"])
        self.desk = RightsDesk(self.service, provider())
        self.model: dict[str, dict] = {}

    def _refused(self, request_id: str, call, error: type[Exception]) -> None:
        before = (self.service.audit.head(), self.service.store.get_request(request_id))
        try:
            call()
        except error:
            pass
        else:  # pragma: no cover - a failure of the property
            raise AssertionError("the desk accepted a move the rules forbid")
        after = (self.service.audit.head(), self.service.store.get_request(request_id))
        assert after == before

    @rule(target=requests, kind=st.sampled_from(["access", "portability"]))
    def receive(self, kind: str) -> str:
        case = self.desk.receive(self.subject, kind)
        self.model[case.id] = {
            "state": R,
            "extended": False,
            "kind": kind,
            "received": self.clock.now(),
        }
        return case.id

    @rule(days=st.integers(min_value=0, max_value=25), hours=st.integers(min_value=0, max_value=23))
    def time_passes(self, days: int, hours: int) -> None:
        self.clock.advance(dt.timedelta(days=days, hours=hours))

    @rule(request_id=requests)
    def ask_identity(self, request_id: str) -> None:
        model = self.model[request_id]
        call = lambda: self.desk.ask_identity(request_id, asked=["order_number"])  # noqa: E731
        if model["state"] in {R, A}:
            assert call().state is A
            model["state"] = A
        else:
            self._refused(request_id, call, RequestStateError)

    @rule(request_id=requests)
    def confirm_identity(self, request_id: str) -> None:
        model = self.model[request_id]
        call = lambda: self.desk.confirm_identity(request_id)  # noqa: E731
        if model["state"] is A:
            assert call().state is P
            model["state"] = P
        else:
            self._refused(request_id, call, RequestStateError)

    @rule(request_id=requests)
    def start(self, request_id: str) -> None:
        model = self.model[request_id]
        call = lambda: self.desk.start(request_id)  # noqa: E731
        if model["state"] is R:
            assert call().state is P
            model["state"] = P
        else:
            self._refused(request_id, call, RequestStateError)

    @rule(request_id=requests)
    def answer(self, request_id: str) -> None:
        model = self.model[request_id]
        handler = self.desk.access if model["kind"] == "access" else self.desk.portability
        call = lambda: handler(request_id)  # noqa: E731
        if model["state"] in {R, P}:
            call()
            model["state"] = RequestState.COMPLETED
        else:
            self._refused(request_id, call, RequestStateError)

    @rule(request_id=requests)
    def refuse(self, request_id: str) -> None:
        model = self.model[request_id]
        call = lambda: self.desk.refuse(  # noqa: E731
            request_id, ground="excessive", explanation="Repeated."
        )
        if model["state"] in OPEN:
            call()
            model["state"] = RequestState.REFUSED
        else:
            self._refused(request_id, call, RequestStateError)

    @rule(request_id=requests)
    def extend(self, request_id: str) -> None:
        model = self.model[request_id]
        call = lambda: self.desk.extend(  # noqa: E731
            request_id, reason="complexity", explanation="Many systems."
        )
        first_month = (
            self.clock.now() < request_deadline(model["received"], time_zone=TZ).due_strict_end
        )
        if model["state"] not in OPEN:
            self._refused(request_id, call, RequestStateError)
        elif model["extended"] or not first_month:
            self._refused(request_id, call, DeadlineError)
        else:
            assert call().deadline.extended
            model["extended"] = True

    @invariant()
    def stored_states_follow_the_model(self) -> None:
        for request_id, model in self.model.items():
            case = self.desk.get(request_id)
            assert case.state is model["state"]
            assert case.extended is model["extended"]
            strict = request_deadline(model["received"], time_zone=TZ)
            expected = strict.due_extended_strict if model["extended"] else strict.due_strict
            assert case.deadline.due == expected
            assert case.history[0].state is R
            assert case.history[-1].state is model["state"]

    @invariant()
    def the_audit_chain_verifies(self) -> None:
        assert self.service.audit.verify()[0] == self.service.audit.head()[0]


RequestLifecycle.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_request_lifecycle = RequestLifecycle.TestCase
