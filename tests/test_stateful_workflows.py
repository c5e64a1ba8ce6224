"""Hypothesis stateful tests: random sequences of actions by random personas on each of the three
state machines, through the real services, checked against small reference models
(tests/stateful_models.py) written independently of the Django models.

Each step draws an action (a transition the model says is possible now, an action it says is
possible now, any transition, or any action, including the work a transition's conditions need:
each a quarter of the time), a persona (a third of the time one the model says may take it, a third
one who comes closest but never may: another charity's member, a deactivated account, a recipient
of another force, an investigator or approver not on the team, HMICFRS staff without the role, a
monitor; a third anyone) and the action's inputs (each valid value three times as likely as each
invalid one: blank reasons, past dates, no recipients, an unknown outcome). Eligibility views and
sign-offs also have their own rules while a complaint is under assessment or a report at sign-off.
The model predicts success or the domain errors it may be refused with. After every step:

* the service succeeded exactly when the model said it would, and a refusal was one of the errors
  the model listed;
* a refused call changed nothing (every row of every table the machine's services write) and
  queued no e-mail; a successful one queued exactly the after-commit callbacks (e-mails) the model
  expected;
* the database state of every object equals the model's, and so do the fields the steps set
  (checked after every rule that changed anything; a refusal provably changed nothing);
* a terminal state never changes again; a closed response (published, not accepted) leaves that
  state only by HMICFRS reopening it;
* the TransitionLog rows of every object are exactly the successful transitions so far, in order
  (action, from, to, by, reason), and no other log row was written.

Every example runs in a savepoint that is rolled back at its end, so the personas and the published
report are made once per test. Each example starts with a random-length prefix of the happy path
(through the same checked steps), so that later stages are explored as much as early ones. The figures
(sequences, steps, successes, refusals, transitions taken) are printed even without -s.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import TestCase
from django_fsm import TransitionNotAllowed
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import Organisation, Role
from complaints import services as complaint_services
from complaints.models import (
    EligibilityView,
    Evidence,
    ReferenceSequence,
    SuperComplaint,
)
from investigations import services as investigation_services
from investigations.models import (
    EvidenceItem,
    FactCheckComment,
    FactCheckRequest,
    Investigation,
    PublishedReport,
    Redaction,
    ReportAction,
    SignOff,
    StagePeriod,
    TeamMember,
    Theme,
)
from recommendations import services as response_services
from recommendations.models import (
    ActionPlanItem,
    ExtensionRequest,
    ProgressUpdate,
    Recommendation,
    RecommendationResponse,
)
from tests.factories import (
    COLLEGE,
    HMICFRS,
    IOPC,
    MET,
    MOPAC,
    ComplaintFactory,
    EligibleComplaintFactory,
    Team,
    UserFactory,
    org,
    published_report,
)
from tests.stateful_models import (
    DRAFT_TEXTS,
    EXPLANATIONS,
    FACT_CHECKERS,
    HISTORICAL_TITLE,
    OUTCOMES,
    REASONS,
    RECIPIENTS,
    REPORTS,
    ComplaintModel,
    InvestigationModel,
    Model,
    ResponseModel,
)
from workflow import clock
from workflow.models import DueDateChange, TransitionLog

START = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
KENT = "kent-police"
SLUGS = {"met": MET, "mopac": MOPAC, "kent": KENT}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EVENTS = ("days_pass", "toggle_designation")
REASON, *BAD_REASONS = REASONS


def mostly(valid: tuple, invalid: tuple) -> st.SearchStrategy:
    """Valid values three times as likely as each invalid one."""
    return st.sampled_from(tuple(valid) * 3 + tuple(invalid))


# Which of the existing objects an action picks: taken modulo how many there are, so that a draw
# means the same whatever was created before it (this helps Hypothesis shrink).
PICK = st.integers(0, 3)
ERRORS = (PermissionDenied, TransitionNotAllowed, ValidationError, ValueError)
SETTINGS = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the checkout; a failure prints its reproduce blob
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# name: (organisation slug, role, active)
PERSONAS = {
    "hestia_member": ("hestia", Role.MEMBER, True),
    "hestia_colleague": ("hestia", Role.MEMBER, True),
    "hestia_deactivated": ("hestia", Role.MEMBER, False),
    "cwj_member": ("centre-for-womens-justice", Role.MEMBER, True),
    "triager": (HMICFRS, Role.TRIAGER, True),
    "hmicfrs_approver": (HMICFRS, Role.APPROVER, True),
    "college_approver": (COLLEGE, Role.APPROVER, True),
    "iopc_approver": (IOPC, Role.APPROVER, True),
    "hmicfrs_investigator": (HMICFRS, Role.INVESTIGATOR, True),
    "lead": (HMICFRS, Role.INVESTIGATOR, True),
    "hmicfrs_colleague": (HMICFRS, Role.INVESTIGATOR, True),
    "college_investigator": (COLLEGE, Role.INVESTIGATOR, True),
    "off_team_investigator": (HMICFRS, Role.INVESTIGATOR, True),
    "off_team_approver": (COLLEGE, Role.APPROVER, True),
    "hmicfrs_monitor": (HMICFRS, Role.MONITOR, True),
    "commissioner_monitor": (
        "victims-commissioner-for-england-and-wales",
        Role.MONITOR,
        True,
    ),
    "met_recipient": (MET, Role.RECIPIENT, True),
    "met_colleague": (MET, Role.RECIPIENT, True),
    "met_deactivated": (MET, Role.RECIPIENT, False),
    "mopac_recipient": (MOPAC, Role.RECIPIENT, True),
    "kent_recipient": (KENT, Role.RECIPIENT, True),
}


def make_personas(*names: str) -> dict[str, Any]:
    world = {}
    for name in names:
        slug, role, active = PERSONAS[name]
        world[name] = UserFactory(
            username=name, organisation=org(slug), roles=[role], is_active=active
        )
    return world


@dataclass
class Stats:
    sequences: int = 0
    steps: int = 0
    succeeded: int = 0
    refused: int = 0
    prefix_steps: int = 0
    events: int = 0
    skipped: int = 0
    invariant_checks: int = 0
    unchanged: int = 0
    invariant_failures: int = 0
    taken: Counter = field(default_factory=Counter)


def table_rows(*models: Any) -> dict[str, list[tuple]]:
    """Every row of these tables, read with plain SQL (the ORM would cost more than the step)."""
    found = {}
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1"
            )
            found[table] = cursor.fetchall()
    return found


class WorkflowMachine(RuleBasedStateMachine):
    """Runs each step through the real service and checks it against the model."""

    stats: ClassVar[Stats]
    model_class: ClassVar[type[Model]]
    model: Model

    def __init__(self, world: dict[str, Any], model: Model) -> None:
        super().__init__()
        self.world = world
        self.model = model
        self.now = START
        assert model.today == START.date()
        self.stats.sequences += 1
        # Each example is one savepoint, rolled back in teardown().
        self._example = transaction.atomic()
        self._example.__enter__()
        self.log_baseline = TransitionLog.objects.count()
        self.terminal: dict[str, str] = {}
        # Whether anything changed since the invariants were last checked. A refusal changes
        # nothing (the step compares every row of the machine's tables before and after it), and
        # neither the model nor the database moves, so the invariants need no new check after one.
        self.changed = True

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._example.__exit__(None, None, None)

    # --- What each machine provides -------------------------------------------------------------
    def subjects(self) -> dict[str, Any]:
        """Each object the model names, fresh from the database."""
        raise NotImplementedError

    # Every table a step could write to.
    tables: ClassVar[tuple[Any, ...]]

    def snapshot(self) -> dict[str, list[tuple]]:
        return table_rows(*self.tables)

    def reopenable(self, subject: str, obj: Any) -> bool:
        """Closed, but with a declared way out (only a response that did not accept)."""
        return False

    # Each action's inputs: name -> (valid values, invalid values); "index" picks an object.
    INPUTS: ClassVar[dict[str, dict[str, tuple[tuple, tuple]]]]

    def strategies(self, action: str) -> dict[str, st.SearchStrategy]:
        return {
            name: PICK if name == "index" else mostly(*values)
            for name, values in self.INPUTS.get(action, {}).items()
        }

    def candidates(self, action: str) -> list[dict[str, Any]]:
        """Every combination of valid inputs (and every object to pick)."""
        spec = self.INPUTS.get(action, {})
        pools = [
            range(self.model.items(action) or 0) if name == "index" else valid
            for name, (valid, _invalid) in spec.items()
        ]
        return [
            dict(zip(spec, values, strict=True)) for values in itertools.product(*pools)
        ]

    def possible(self) -> list[str]:
        """The actions the model says someone could take now with valid inputs."""
        return [
            action
            for action in self.model.ACTIONS
            if action not in EVENTS
            and any(
                self.model.plan(action, by, **inputs).succeeds
                for inputs in self.candidates(action)
                for by in self.may(action, inputs)
            )
        ]

    def may(self, action: str, inputs: dict[str, Any]) -> frozenset[str]:
        return self.model.may(action)

    def lookalikes(self, action: str, inputs: dict[str, Any]) -> tuple[str, ...]:
        return self.model.lookalikes(action)

    def remember(self, action: str, result: Any, inputs: dict[str, Any]) -> None:
        """Keep the primary keys of what a successful step created, in the model's order."""

    def event(self, action: str, data: st.DataObject) -> bool:
        """Things that are not a service call (time passing, an administrator's change)."""
        return False

    # --- One step -------------------------------------------------------------------------------
    def step(
        self, action: str, by: str, *, prefix: bool = False, **inputs: Any
    ) -> None:
        plan = self.model.plan(action, by, **inputs)
        # What is read before the call depends on what the model expects: an outcome it did not
        # expect fails the step before anything read for the other outcome is needed.
        if plan.succeeds:
            subjects = self.subjects()
            states_before = {s: o.state for s, o in subjects.items()}
            closed_before = {s for s, o in subjects.items() if self.reopenable(s, o)}
        else:
            before = self.snapshot()  # to check that the refusal changed nothing
        with (
            TestCase.captureOnCommitCallbacks() as callbacks,
            clock.fixed_at(self.now),
        ):
            try:
                result = getattr(self, f"do_{action}")(self.world[by], **inputs)
            except ERRORS as error:
                refused: Exception | None = error
            else:
                refused = None
        self.stats.steps += 1
        self.stats.prefix_steps += prefix
        what = f"{action} by {by} with {inputs}"
        if refused is None:
            assert plan.succeeds, (
                f"{what} succeeded; the model expected {plan.refusals}"
            )
            assert len(callbacks) == plan.after_commit, (
                f"{what} queued {len(callbacks)} after-commit callbacks, not {plan.after_commit}"
            )
            self.model.apply(plan)
            self.remember(action, result, inputs)
            self.stats.succeeded += 1
            self.changed = True
            if action in self.model.TRANSITIONS:
                self.stats.taken[action] += 1
            self.check_exits(what, action, states_before, closed_before)
        else:
            error = type(refused).__name__
            assert error in plan.refusals, (
                f"{what} was refused with {error} ({refused}); "
                f"the model expected {plan.refusals or 'success'}"
            )
            assert callbacks == [], f"refused {what} queued {callbacks}"
            assert self.snapshot() == before, f"refused {what} changed something"
            self.stats.refused += 1

    def check_exits(
        self,
        what: str,
        action: str,
        states_before: dict[str, str],
        closed_before: set[str],
    ) -> None:
        """Nothing leaves a terminal state; a closed response leaves only by being reopened."""
        for subject, obj in self.subjects().items():
            if obj.state != states_before.get(subject, obj.state):
                assert subject not in self.terminal, (
                    f"{what} moved {subject} out of terminal {self.terminal[subject]}"
                )
                if subject in closed_before:
                    assert action in ResponseModel.REOPENABLE, (
                        f"{what} moved closed {subject} without reopening it"
                    )
            if obj.state in self.model.TERMINAL:
                self.terminal.setdefault(subject, obj.state)

    @rule(data=st.data())
    def act(self, data: st.DataObject) -> None:
        # A transition the model says is possible now, an action it says is possible now (so that
        # sequences go deep), any transition, or any action (the work the conditions need included).
        possible = self.possible()
        transitions = [a for a in possible if a in self.model.TRANSITIONS]
        action = data.draw(
            st.one_of(
                *([st.sampled_from(transitions)] if transitions else []),
                *([st.sampled_from(possible)] if possible else []),
                st.sampled_from(self.model.TRANSITIONS),
                st.sampled_from(self.model.ACTIONS),
            ),
            label="action",
        )
        if self.event(action, data):
            self.stats.events += 1
            return
        choices = self.model.items(action)
        if choices == 0:
            self.stats.skipped += 1  # nothing there to pick
            return
        inputs = {
            name: data.draw(strategy, label=name)
            for name, strategy in self.strategies(action).items()
        }
        if choices is not None:
            inputs["index"] %= choices
        # A third of the time someone the model says may, a third someone who looks like them but
        # never may, a third anyone.
        allowed = sorted(self.may(action, inputs))
        by = data.draw(
            st.one_of(
                *([st.sampled_from(allowed)] if allowed else []),
                st.sampled_from(self.lookalikes(action, inputs)),
                st.sampled_from(self.model.PERSONAS),
            ),
            label="by",
        )
        self.step(action, by, **inputs)

    # --- Invariants -----------------------------------------------------------------------------
    @invariant()
    def agrees_with_the_model(self) -> None:
        if not self.changed:
            self.stats.unchanged += 1
            return
        self.changed = False
        self.stats.invariant_checks += 1
        try:
            self.check_subjects()
            self.check()
        except AssertionError:
            self.stats.invariant_failures += 1
            raise

    def check_subjects(self) -> None:
        expected_rows = 0
        for subject, obj in self.subjects().items():
            assert obj.state == self.model.state_of(subject), subject
            if obj.state in self.model.TERMINAL:
                assert self.terminal.setdefault(subject, obj.state) == obj.state
            expected = [
                (r.transition, r.source, r.target, r.by, r.reason)
                for r in self.model.logs.get(subject, [])
            ]
            logged = list(
                TransitionLog.objects.for_object(obj)
                .order_by("pk")
                .values_list("transition", "source", "target", "by__username", "reason")
            )
            assert logged == expected, f"log of {subject}"
            expected_rows += len(expected)
        assert TransitionLog.objects.count() == self.log_baseline + expected_rows

    def check(self) -> None:
        raise NotImplementedError


# --- The super-complaint ------------------------------------------------------------------------------
DRAFT_VALUES = {
    "title": "Police response to victims of modern slavery",
    "features": "Officers miss signs of exploitation.",
    "harm_explanation": "Victims are left at risk.",
    "contact_email": "hannah@hestia.example",
}


class ComplaintMachine(WorkflowMachine):
    model_class = ComplaintModel
    model: ComplaintModel
    tables = (
        SuperComplaint,
        SuperComplaint.forces_concerned.through,
        Evidence,
        EligibilityView,
        ReferenceSequence,
        Investigation,
        TransitionLog,
    )

    def __init__(self, world: dict[str, Any]) -> None:
        super().__init__(world, ComplaintModel())
        member = world["hestia_member"]
        with clock.fixed_at(self.now):
            self.pk = ComplaintFactory(
                organisation=member.organisation, created_by=member
            ).pk
        self.evidence_pks: list[int] = []

    def complaint(self) -> SuperComplaint:
        return SuperComplaint.objects.get(pk=self.pk)

    @initialize(
        steps=st.integers(0, 7) | st.just(7),
        verdict=st.sampled_from(ComplaintModel.VIEWS),
    )
    def fast_forward(self, steps: int, verdict: str) -> None:
        path = [
            ("attach_evidence", "hestia_member", {}),
            ("submit", "hestia_member", {}),
            ("acknowledge", "triager", {}),
            ("start_assessment", "triager", {}),
            *(
                ("record_view", approver, {"view": verdict, "reason": REASON})
                for approver in ComplaintModel.APPROVERS
            ),
        ]
        for action, by, inputs in path[:steps]:
            self.step(action, by, prefix=True, **inputs)

    @precondition(
        lambda self: (
            self.model.state == "under_assessment" and len(self.model.views) < 3
        )
    )
    @rule(
        by=st.sampled_from(
            (*ComplaintModel.APPROVERS, "hmicfrs_investigator", "triager")
        ),
        view=st.sampled_from(ComplaintModel.VIEWS),
        reason=mostly((REASON,), (*BAD_REASONS,)),
    )
    def record_view(self, by: str, view: str, reason: str) -> None:
        """Views get their own rule while one is missing: a decision needs all three to agree."""
        self.step("record_view", by, view=view, reason=reason)

    INPUTS: ClassVar = {
        "decide_eligible": {"reason": ((REASON,), (*BAD_REASONS,))},
        "decide_not_eligible": {"reason": ((REASON,), (*BAD_REASONS,))},
        "withdraw": {"reason": ((REASON,), (*BAD_REASONS,))},
        "edit_draft": {
            "name": (ComplaintModel.DRAFT_FIELDS, ()),
            "blank": ((False, True), ()),
        },
        "remove_evidence": {"index": ((), ())},
        "record_view": {
            "view": (ComplaintModel.VIEWS, ()),
            "reason": ((REASON,), (*BAD_REASONS,)),
        },
    }

    def event(self, action: str, data: st.DataObject) -> bool:
        if action != "toggle_designation":
            return False
        # An administrator revokes the body's designation from today, or reinstates it.
        revoked = self.now.date() if self.model.designated else None
        Organisation.objects.filter(slug="hestia").update(
            designation_revoked_on=revoked
        )
        self.model.designated = not self.model.designated
        return True

    def remember(self, action: str, result: Any, inputs: dict[str, Any]) -> None:
        if action == "attach_evidence":
            self.evidence_pks.append(result.pk)
        elif action == "remove_evidence":
            self.evidence_pks.pop(inputs["index"])

    def do_submit(self, by: Any) -> Any:
        return complaint_services.submit_complaint(self.complaint(), by=by)

    def do_acknowledge(self, by: Any) -> Any:
        return complaint_services.acknowledge_complaint(self.complaint(), by=by)

    def do_start_assessment(self, by: Any) -> Any:
        return complaint_services.start_assessment(self.complaint(), by=by)

    def do_decide_eligible(self, by: Any, reason: str) -> Any:
        return complaint_services.decide_eligibility(
            self.complaint(), by=by, eligible=True, reasons=reason
        )

    def do_decide_not_eligible(self, by: Any, reason: str) -> Any:
        return complaint_services.decide_eligibility(
            self.complaint(), by=by, eligible=False, reasons=reason
        )

    def do_withdraw(self, by: Any, reason: str) -> Any:
        return complaint_services.withdraw_complaint(
            self.complaint(), by=by, reason=reason
        )

    def do_edit_draft(self, by: Any, name: str, blank: bool) -> Any:
        complaint = self.complaint()
        return complaint_services.update_draft(
            complaint,
            by=by,
            data={name: "" if blank else DRAFT_VALUES[name]},
            forces=[],
            expected_version=complaint.version,
        )

    def do_attach_evidence(self, by: Any) -> Any:
        return complaint_services.attach_evidence(
            self.complaint(), by=by, upload=SimpleUploadedFile("evidence.pdf", PDF)
        )

    def do_remove_evidence(self, by: Any, index: int) -> Any:
        evidence = Evidence.objects.get(pk=self.evidence_pks[index])
        return complaint_services.remove_evidence(evidence, by=by)

    def do_record_view(self, by: Any, view: str, reason: str) -> Any:
        return complaint_services.record_eligibility_view(
            self.complaint(), by=by, view=view, reasons=reason
        )

    def subjects(self) -> dict[str, Any]:
        return {"complaint": self.complaint()}

    def check(self) -> None:
        complaint = self.complaint()
        model = self.model
        assert (complaint.reference is not None) == model.reference
        assert (
            Investigation.objects.filter(complaint=complaint).exists()
            == model.investigation_opened
        )
        assert complaint.decision_reasons == model.decision_reasons
        assert complaint.withdrawal_reason == model.withdrawal_reason
        assert len(self.evidence_pks) == model.evidence
        assert sorted(complaint.evidence.values_list("pk", flat=True)) == sorted(
            self.evidence_pks
        )
        views = {kind: v.view for kind, v in complaint.current_views().items()}
        assert views == model.views
        filled = {
            name for name in ComplaintModel.DRAFT_FIELDS if getattr(complaint, name)
        }
        assert filled == model.filled


# --- The joint investigation ----------------------------------------------------------------------------
class InvestigationMachine(WorkflowMachine):
    model_class = InvestigationModel
    model: InvestigationModel
    tables = (
        Investigation,
        Investigation.draft_contributors.through,
        TeamMember,
        Theme,
        EvidenceItem,
        Recommendation,
        Recommendation.named_recipients.through,
        ReportAction,
        Redaction,
        FactCheckRequest,
        FactCheckComment,
        SignOff,
        StagePeriod,
        PublishedReport,
        RecommendationResponse,
        TransitionLog,
    )

    def __init__(self, world: dict[str, Any]) -> None:
        super().__init__(world, InvestigationModel())
        with clock.fixed_at(self.now):
            investigation = investigation_services.open_investigation(
                EligibleComplaintFactory()
            )
            investigation_services.appoint_lead(
                investigation, by=world["triager"], user=world["lead"]
            )
            for name, role in (
                ("hmicfrs_colleague", TeamMember.Role.INVESTIGATOR),
                ("college_investigator", TeamMember.Role.INVESTIGATOR),
                ("hmicfrs_approver", TeamMember.Role.APPROVER),
                ("college_approver", TeamMember.Role.APPROVER),
                ("iopc_approver", TeamMember.Role.APPROVER),
            ):
                investigation_services.add_team_member(
                    investigation, by=world["lead"], user=world[name], role=role
                )
        self.pk = investigation.pk
        self.redaction_pks: list[int] = []
        self.organisations = {key: org(slug) for key, slug in SLUGS.items()}
        self.keys = {o.pk: key for key, o in self.organisations.items()}

    def investigation(self) -> Investigation:
        return Investigation.objects.get(pk=self.pk)

    @initialize(steps=st.just(15) | st.integers(0, 15) | st.just(0))
    def fast_forward(self, steps: int) -> None:
        path = [
            ("write_terms", "lead", {"text": "How forces identify victims."}),
            ("add_theme", "lead", {}),
            ("start_evidence_gathering", "college_investigator", {}),
            ("add_evidence_item", "lead", {}),
            ("start_analysis", "hmicfrs_colleague", {}),
            ("start_drafting", "lead", {}),
            ("update_report", "lead", {"variant": "complete"}),
            ("add_recommendation", "lead", {"recipients": "the Met and MOPAC"}),
            ("add_fact_check_request", "lead", {"organisation": "met", "due_in": 14}),
            ("send_for_fact_check", "lead", {}),
            ("comment_on_fact_check", "lead", {"index": 0, "reason": REASON}),
            ("send_for_sign_off", "lead", {}),
            ("approve", "hmicfrs_approver", {}),
            ("approve", "college_approver", {}),
            ("approve", "iopc_approver", {}),
        ]
        for action, by, inputs in path[:steps]:
            self.step(action, by, prefix=True, **inputs)

    @precondition(
        lambda self: self.model.state == "sign_off" and len(self.model.approvals) < 3
    )
    @rule(
        by=st.sampled_from(
            (*InvestigationModel.APPROVERS, "off_team_approver", "lead", "triager")
        )
    )
    def sign_off(self, by: str) -> None:
        """Sign-off gets its own rule while an approval is missing: publication needs all three."""
        self.step("approve", by)

    INPUTS: ClassVar = {
        "pause": {"reason": ((REASON,), (*BAD_REASONS,))},
        "write_terms": {"text": (("How forces identify victims.",), ("  ",))},
        "update_report": {
            "variant": (("complete", "other findings"), ("no findings", "blank title"))
        },
        "add_recommendation": {
            "recipients": (("the Met", "the Met and MOPAC", "Kent"), ("nobody",))
        },
        "remove_recommendation": {"index": ((), ())},
        "add_redaction": {
            "passage": (("made late", "in Kent", "prompt"), ("",)),
            "explanation": ((EXPLANATIONS[0],), (*EXPLANATIONS[1:],)),
        },
        "remove_redaction": {"index": ((), ())},
        "add_fact_check_request": {
            "organisation": (FACT_CHECKERS, ()),
            "due_in": ((7, 14), (0,)),
        },
        "comment_on_fact_check": {
            "index": ((), ()),
            "reason": ((REASON,), (*BAD_REASONS,)),
        },
    }

    def event(self, action: str, data: st.DataObject) -> bool:
        if action != "days_pass":
            return False
        days = data.draw(st.sampled_from((1, 8, 15)), label="days")
        self.now += timedelta(days=days)
        self.model.today += timedelta(days=days)
        return True

    def remember(self, action: str, result: Any, inputs: dict[str, Any]) -> None:
        if action == "add_redaction":
            self.redaction_pks.append(result.pk)
        elif action == "remove_redaction":
            self.redaction_pks.pop(inputs["index"])

    def _move(self, name: str, by: Any) -> Any:
        return getattr(investigation_services, name)(self.investigation(), by=by)

    def do_start_evidence_gathering(self, by: Any) -> Any:
        return self._move("start_evidence_gathering", by)

    def do_start_analysis(self, by: Any) -> Any:
        return self._move("start_analysis", by)

    def do_start_drafting(self, by: Any) -> Any:
        return self._move("start_drafting", by)

    def do_send_for_fact_check(self, by: Any) -> Any:
        return self._move("send_for_fact_check", by)

    def do_send_for_sign_off(self, by: Any) -> Any:
        return self._move("send_for_sign_off", by)

    def do_publish(self, by: Any) -> Any:
        return self._move("publish_report", by)

    def do_resume(self, by: Any) -> Any:
        return self._move("resume", by)

    def do_pause(self, by: Any, reason: str) -> Any:
        return investigation_services.pause(self.investigation(), by=by, reason=reason)

    def do_record_historical_report(self, by: Any) -> Any:
        return investigation_services.record_historical_report(
            self.investigation(),
            by=by,
            title=HISTORICAL_TITLE,
            published_on=date(2024, 5, 1),
        )

    def do_write_terms(self, by: Any, text: str) -> Any:
        return investigation_services.update_terms_of_reference(
            self.investigation(), by=by, text=text
        )

    def do_add_theme(self, by: Any) -> Any:
        return investigation_services.add_theme(
            self.investigation(), by=by, title="Identifying victims"
        )

    def do_add_evidence_item(self, by: Any) -> Any:
        return investigation_services.add_evidence_item(
            self.investigation(),
            by=by,
            kind=EvidenceItem.Kind.DATA_REQUEST,
            title="Referral figures",
            owner=self.world["lead"],
        )

    def do_update_report(self, by: Any, variant: str) -> Any:
        investigation = self.investigation()
        return investigation_services.update_report(
            investigation,
            by=by,
            data=REPORTS[variant],
            expected_version=investigation.version,
        )

    def do_add_recommendation(self, by: Any, recipients: str) -> Any:
        return investigation_services.add_recommendation(
            self.investigation(),
            by=by,
            text="Record every referral.",
            recipient_kinds=[],
            named_recipients=[self.organisations[k] for k in RECIPIENTS[recipients]],
        )

    def do_remove_recommendation(self, by: Any, index: int) -> Any:
        recommendation = Recommendation.objects.get(
            investigation_id=self.pk, number=index + 1
        )
        return investigation_services.remove_recommendation(recommendation, by=by)

    def do_add_redaction(self, by: Any, passage: str, explanation: str) -> Any:
        return investigation_services.add_redaction(
            self.investigation(),
            by=by,
            section="findings",
            passage=passage,
            ground=Redaction.Ground.SAFETY,
            explanation=explanation,
        )

    def do_remove_redaction(self, by: Any, index: int) -> Any:
        redaction = Redaction.objects.get(pk=self.redaction_pks[index])
        return investigation_services.remove_redaction(redaction, by=by)

    def do_add_fact_check_request(self, by: Any, organisation: str, due_in: int) -> Any:
        return investigation_services.add_fact_check_request(
            self.investigation(),
            by=by,
            organisation=self.organisations[organisation],
            due_on=self.now.date() + timedelta(days=due_in),
        )

    def do_comment_on_fact_check(self, by: Any, index: int, reason: str) -> Any:
        organisation = self.organisations[self.model.fact_checks[index]["organisation"]]
        request = FactCheckRequest.objects.get(
            investigation_id=self.pk, organisation=organisation
        )
        return investigation_services.record_fact_check_comment(
            request, by=by, text=reason
        )

    def do_approve(self, by: Any) -> Any:
        return investigation_services.approve_report(self.investigation(), by=by)

    def subjects(self) -> dict[str, Any]:
        return {"investigation": self.investigation()}

    def check(self) -> None:
        investigation = self.investigation()
        model = self.model
        assert investigation.paused_from == model.paused_from
        open_stages = list(
            investigation.stage_periods.filter(ended_at__isnull=True).values_list(
                "stage", flat=True
            )
        )
        assert open_stages == [model.state]
        assert investigation.terms_of_reference == model.terms
        assert investigation.themes.count() == model.themes
        assert investigation.evidence_items.count() == model.evidence_items
        assert {name: getattr(investigation, name) for name in model.report} == (
            model.report
        )
        recommendations = [
            (r.number, sorted(self.keys[o.pk] for o in r.named_recipients.all()))
            for r in investigation.recommendations.order_by("number").prefetch_related(
                "named_recipients"
            )
        ]
        assert recommendations == [
            (n, sorted(keys)) for n, keys in enumerate(model.recommendations, start=1)
        ]
        assert list(
            Redaction.objects.filter(investigation=investigation)
            .order_by("pk")
            .values_list("passage", flat=True)
        ) == list(model.redactions)
        fact_checks = {
            (
                self.keys[r.organisation_id],
                r.sent_at is not None,
                bool(r.comments.all()),
            )
            for r in investigation.fact_check_requests.prefetch_related("comments")
        }
        assert fact_checks == {
            (c["organisation"], c["sent"], c["commented"]) for c in model.fact_checks
        }
        standing = set(
            investigation.sign_offs.filter(voided_at__isnull=True).values_list(
                "authority__kind", flat=True
            )
        )
        assert standing == model.approvals
        assert (
            PublishedReport.objects.filter(investigation=investigation).exists()
            == model.published
        )
        responses = set(
            RecommendationResponse.objects.filter(
                recommendation__investigation=investigation
            ).values_list("recommendation__number", "organisation_id")
        )
        responses = {(number, self.keys[pk]) for number, pk in responses}
        assert responses == model.responses


# --- Responses to a recommendation ------------------------------------------------------------------------
class ResponseMachine(WorkflowMachine):
    model_class = ResponseModel
    model: ResponseModel
    tables = (
        RecommendationResponse,
        ExtensionRequest,
        DueDateChange,
        ProgressUpdate,
        ActionPlanItem,
        TransitionLog,
    )

    def __init__(self, world: dict[str, Any]) -> None:
        super().__init__(world, ResponseModel(due_on=world["due_on"]))
        self.pks = {"met": world["met_response"], "mopac": world["mopac_response"]}
        self.keys = {pk: key for key, pk in self.pks.items()}
        self.extension_pks: list[int] = []

    def response(self, key: str) -> RecommendationResponse:
        return RecommendationResponse.objects.get(pk=self.pks[key])

    @initialize(
        steps=st.just(4) | st.integers(0, 4) | st.just(0),
        outcome=st.sampled_from(OUTCOMES),
        key=st.sampled_from(("met", "mopac")),
    )
    def fast_forward(self, steps: int, outcome: str, key: str) -> None:
        by = "met_recipient" if key == "met" else "mopac_recipient"
        path = [
            ("save_draft", {"outcome": outcome, "text": DRAFT_TEXTS[0]}),
            ("publish_response", {}),
            ("start_work", {}),
            ("report_implementation", {"reason": REASON}),
        ]
        for action, inputs in path[:steps]:
            self.step(action, by, prefix=True, key=key, **inputs)

    KEY: ClassVar = (("met", "mopac"), ())
    WHY: ClassVar = ((REASON,), (*BAD_REASONS,))
    TEXT: ClassVar = ((DRAFT_TEXTS[0],), (*DRAFT_TEXTS[1:],))
    INPUTS: ClassVar = {
        "save_draft": {"key": KEY, "outcome": (OUTCOMES, ("", "maybe")), "text": TEXT},
        "publish_response": {"key": KEY},
        "publish_joint_response": {
            "key": KEY,
            "outcome": (OUTCOMES, ("",)),
            "text": TEXT,
        },
        "start_work": {"key": KEY},
        "report_implementation": {"key": KEY, "reason": WHY},
        "verify": {"key": KEY},
        "send_back": {"key": KEY, "reason": WHY},
        "reopen": {"key": KEY, "reason": WHY},
        "request_extension": {
            "key": KEY,
            "more_days": ((14, 28), (-3, 0)),
            "reason": WHY,
        },
        "grant": {"index": ((), ()), "later_by": ((10, 30), (0,)), "reason": WHY},
        "refuse": {"index": ((), ()), "reason": WHY},
    }

    def may(self, action: str, inputs: dict[str, Any]) -> frozenset[str]:
        return self.model.may(action, inputs.get("key", "met"))

    def lookalikes(self, action: str, inputs: dict[str, Any]) -> tuple[str, ...]:
        return self.model.lookalikes(action, inputs.get("key", "met"))

    def event(self, action: str, data: st.DataObject) -> bool:
        if action != "days_pass":
            return False
        days = data.draw(st.sampled_from((1, 7, 30, 60)), label="days")
        self.now += timedelta(days=days)
        self.model.today += timedelta(days=days)
        return True

    def remember(self, action: str, result: Any, inputs: dict[str, Any]) -> None:
        if action == "request_extension":
            self.extension_pks.append(result.pk)

    def do_save_draft(self, by: Any, key: str, outcome: str, text: str) -> Any:
        response = self.response(key)
        return response_services.save_response_draft(
            response,
            by=by,
            outcome=outcome,
            text=text,
            expected_version=response.version,
        )

    def do_publish_response(self, by: Any, key: str) -> Any:
        return response_services.publish_response(self.response(key), by=by)

    def do_publish_joint_response(
        self, by: Any, key: str, outcome: str, text: str
    ) -> Any:
        return response_services.publish_joint_response(
            self.response(key), by=by, outcome=outcome, text=text
        )

    def do_start_work(self, by: Any, key: str) -> Any:
        return response_services.start_work(self.response(key), by=by)

    def do_report_implementation(self, by: Any, key: str, reason: str) -> Any:
        return response_services.report_implementation(
            self.response(key), by=by, summary=reason
        )

    def do_verify(self, by: Any, key: str) -> Any:
        return response_services.verify(self.response(key), by=by)

    def do_send_back(self, by: Any, key: str, reason: str) -> Any:
        return response_services.send_back(self.response(key), by=by, reason=reason)

    def do_reopen(self, by: Any, key: str, reason: str) -> Any:
        return response_services.reopen(self.response(key), by=by, reason=reason)

    def do_request_extension(
        self, by: Any, key: str, more_days: int, reason: str
    ) -> Any:
        response = self.response(key)
        return response_services.request_extension(
            response,
            by=by,
            new_due_on=response.due_on + timedelta(days=more_days),
            reason=reason,
        )

    def do_grant(self, by: Any, index: int, later_by: int, reason: str) -> Any:
        request = ExtensionRequest.objects.get(pk=self.extension_pks[index])
        return response_services.grant_extension(
            request,
            by=by,
            new_due_on=request.due_on_when_asked + timedelta(days=later_by),
            reason=reason,
        )

    def do_refuse(self, by: Any, index: int, reason: str) -> Any:
        request = ExtensionRequest.objects.get(pk=self.extension_pks[index])
        return response_services.refuse_extension(request, by=by, reason=reason)

    def subjects(self) -> dict[str, Any]:
        subjects: dict[str, Any] = {key: self.response(key) for key in self.pks}
        for index, pk in enumerate(self.extension_pks):
            subjects[f"extension {index}"] = ExtensionRequest.objects.get(pk=pk)
        return subjects

    def reopenable(self, subject: str, obj: Any) -> bool:
        return subject in self.pks and obj.is_closed and obj.state != "verified"

    def check(self) -> None:
        for key, expected in self.model.responses.items():
            response = self.response(key)
            found = {
                "state": response.state,
                "outcome": response.outcome,
                "text": response.response_text,
                "joint_with": self.keys.get(response.joint_with_id),
                "summary": response.implementation_summary,
                "due_on": response.due_on,
                "extension_pending": response.extension_pending,
                "reported_by": getattr(
                    response.implementation_reported_by, "username", None
                ),
            }
            assert found == expected, key
            assert (response.published_at is None) == (
                response.state == "awaiting_response"
            )
        extensions = list(
            ExtensionRequest.objects.filter(pk__in=self.extension_pks).order_by("pk")
        )
        assert [
            (self.keys[e.response_id], e.state, e.due_on_when_asked, e.requested_due_on)
            for e in extensions
        ] == [
            (
                e["response"],
                e["state"],
                e["due_on_when_asked"],
                e["requested_due_on"],
            )
            for e in self.model.extensions
        ]
        changes = DueDateChange.objects.filter(
            content_type=ContentType.objects.get_for_model(RecommendationResponse),
            object_id__in=self.pks.values(),
        ).order_by("pk")
        assert [
            (self.keys[c.object_id], c.old_date, c.new_date) for c in changes
        ] == self.model.due_date_changes


# --- The tests --------------------------------------------------------------------------------------------
def run(machine: type[WorkflowMachine], world: dict[str, Any], figure: Any) -> None:
    machine.stats = stats = Stats()
    try:
        run_state_machine_as_test(lambda: machine(world), settings=SETTINGS)
    finally:
        name = machine.__name__.removesuffix("Machine").lower()
        never = [t for t in machine.model_class.TRANSITIONS if not stats.taken[t]]
        taken = ", ".join(
            f"{t} {stats.taken[t]}" for t in machine.model_class.TRANSITIONS
        )
        lines = [
            f"stateful {name}: {stats.sequences:,} sequences, {stats.steps:,} steps "
            f"({stats.succeeded:,} succeeded, {stats.refused:,} refused; "
            f"{stats.prefix_steps:,} of them in fast-forward prefixes), "
            f"{stats.events:,} clock or admin events, "
            f"{stats.skipped:,} picks with nothing to pick, "
            f"{stats.invariant_checks:,} invariant checks "
            f"(and {stats.unchanged:,} times nothing had changed), "
            f"{stats.invariant_failures} invariant failures",
            f"stateful {name}: transitions taken: {taken}"
            + (f"; never taken: {', '.join(never)}" if never else ""),
        ]
        figure("\n" + "\n".join(lines))


@pytest.mark.django_db
def test_complaint_workflow_against_its_model(figure):
    world = make_personas(*ComplaintModel.PERSONAS)

    run(ComplaintMachine, world, figure)


@pytest.mark.django_db
def test_investigation_workflow_against_its_model(figure):
    world = make_personas(*InvestigationModel.PERSONAS)

    run(InvestigationMachine, world, figure)


@pytest.mark.django_db
def test_response_workflow_against_its_model(figure):
    world = make_personas(
        *ResponseModel.PERSONAS,
        "lead",
        "hmicfrs_approver",
        "college_approver",
        "iopc_approver",
    )
    team = Team(
        lead=world["lead"],
        investigators=(world["college_investigator"],),
        approvers=(
            world["hmicfrs_approver"],
            world["college_approver"],
            world["iopc_approver"],
        ),
    )
    with clock.fixed_at(START - timedelta(hours=1)):
        investigation = published_report(team)
    responses = {
        r.organisation.slug: r
        for r in RecommendationResponse.objects.filter(
            recommendation__investigation=investigation
        ).select_related("organisation")
    }
    met, mopac = responses[MET], responses[MOPAC]
    assert (met.state, mopac.state) == ("awaiting_response", "awaiting_response")
    assert met.due_on == mopac.due_on
    world.update(met_response=met.pk, mopac_response=mopac.pk, due_on=met.due_on)

    run(ResponseMachine, world, figure)
