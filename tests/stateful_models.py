"""Small reference models of the three workflows, for tests/test_stateful_workflows.py.

Written apart from the Django models, as a plain statement of the rules: plain Python state, which
action moves which state to which, who may take it and what must be in place first. Personas are
names; each model lists who may do what by name. `plan(action, by, **inputs)` says what the service
should do: refuse with one of the domain errors listed (any one of them, because the order in which a
service checks is its own business), or, when none is listed, succeed with the log rows, the
after-commit callbacks (e-mails, file removals) and the state changes the plan carries. `apply(plan)`
moves the model on; it is called only after the service has succeeded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

# The domain errors a service refuses with, by class name.
NOT_ALLOWED = "PermissionDenied"
NOT_NOW = "TransitionNotAllowed"  # wrong state, or a condition not met
INVALID = "ValidationError"
# Where the service leaves the check of a reason to the transition itself (withdrawing a complaint).
BAD_REASON = "ValueError"

REASONS = ("Because the evidence shows it.", "", "   ")


@dataclass(frozen=True)
class LogRow:
    subject: str
    transition: str
    source: str
    target: str
    by: str
    reason: str = ""


@dataclass
class Plan:
    """What one call should do: the errors it may be refused with, or its effects."""

    action: str
    by: str
    refusals: dict[str, list[str]] = field(default_factory=dict)
    log_rows: list[LogRow] = field(default_factory=list)
    after_commit: int = 0
    effects: list[Callable[[], None]] = field(default_factory=list)

    def refuse(self, error: str, why: str) -> None:
        self.refusals.setdefault(error, []).append(why)

    def refuse_if(self, failed: bool, error: str, why: str) -> None:
        if failed:
            self.refuse(error, why)

    def then(self, effect: Callable[[], None]) -> None:
        self.effects.append(effect)

    @property
    def succeeds(self) -> bool:
        return not self.refusals


class Model:
    """What the three models share: the log rows so far and the generic transition rule."""

    PERSONAS: tuple[str, ...] = ()
    TRANSITIONS: tuple[str, ...] = ()
    ACTIONS: tuple[str, ...] = ()
    TERMINAL: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self.logs: dict[str, list[LogRow]] = {}
        self.today = date(2026, 3, 2)  # the machines' clock starts on this (London) day

    def items(self, action: str) -> int | None:
        """How many objects an action that picks one can choose from (None: it picks none)."""
        return None

    def plan(self, action: str, by: str, **inputs: Any) -> Plan:
        plan = Plan(action, by)
        getattr(self, f"_{action}")(plan, by, **inputs)
        return plan

    def apply(self, plan: Plan) -> None:
        assert plan.succeeds
        for effect in plan.effects:
            effect()
        for row in plan.log_rows:
            self.logs.setdefault(row.subject, []).append(row)

    def state_of(self, subject: str) -> str:
        raise NotImplementedError

    def set_state(self, subject: str, state: str) -> None:
        raise NotImplementedError

    def _transition(
        self,
        plan: Plan,
        subject: str,
        name: str,
        by: str,
        *,
        allowed: Iterable[str],
        sources: Iterable[str],
        target: str,
        conditions: Iterable[tuple[bool, str]] = (),
        reason: str = "",
    ) -> None:
        state = self.state_of(subject)
        plan.refuse_if(by not in allowed, NOT_ALLOWED, f"{by} may not {name}")
        if state not in sources:
            plan.refuse(NOT_NOW, f"{name} is not possible from {state}")
        for met, why in conditions:
            plan.refuse_if(not met, NOT_NOW, why)
        plan.log_rows.append(LogRow(subject, name, state, target, by, reason))
        plan.then(lambda: self.set_state(subject, target))


# --- The super-complaint ----------------------------------------------------------------------------
class SingleStateModel(Model):
    """A model of one object, whose state is `self.state` whatever the subject."""

    state: str

    def state_of(self, subject: str) -> str:
        return self.state

    def set_state(self, subject: str, state: str) -> None:
        self.state = state


class ComplaintModel(SingleStateModel):
    """Hestia's complaint from draft to the eligibility decision (or withdrawal)."""

    MEMBERS = frozenset({"hestia_member", "hestia_colleague"})
    TRIAGERS = frozenset({"triager"})
    APPROVERS = {
        "hmicfrs_approver": "hmicfrs",
        "college_approver": "college",
        "iopc_approver": "iopc",
    }
    PERSONAS = (
        "hestia_member",
        "hestia_colleague",
        "hestia_deactivated",  # a member of the body whose account was switched off
        "cwj_member",  # another charity's member
        "triager",
        "hmicfrs_approver",
        "college_approver",
        "iopc_approver",
        "hmicfrs_investigator",
        "hmicfrs_monitor",
        "commissioner_monitor",
        "met_recipient",
    )
    BEFORE_DECISION = ("draft", "submitted", "acknowledged", "under_assessment")
    TERMINAL = frozenset({"eligible", "not_eligible", "withdrawn"})
    TRANSITIONS = (
        "submit",
        "acknowledge",
        "start_assessment",
        "decide_eligible",
        "decide_not_eligible",
        "withdraw",
    )
    DRAFT_FIELDS = ("title", "features", "harm_explanation", "contact_email")
    VIEWS = ("eligible", "not_eligible")

    def __init__(self) -> None:
        super().__init__()
        self.state = "draft"
        # The factory's draft has every field filled in, and no evidence.
        self.filled = set(self.DRAFT_FIELDS)
        self.evidence = 0
        self.designated = True
        self.views: dict[str, str] = {}
        self.reference = False
        self.investigation_opened = False
        self.decision_reasons = ""
        self.withdrawal_reason = ""

    ACTIONS = (
        *TRANSITIONS,
        "edit_draft",
        "attach_evidence",
        "remove_evidence",
        "record_view",
        "toggle_designation",
    )

    def items(self, action: str) -> int | None:
        return self.evidence if action == "remove_evidence" else None

    def may(self, action: str) -> frozenset[str]:
        body = (
            "submit",
            "withdraw",
            "edit_draft",
            "attach_evidence",
            "remove_evidence",
        )
        if action in body:
            return self.MEMBERS
        if action == "record_view":
            return frozenset(self.APPROVERS)
        return self.TRIAGERS

    def lookalikes(self, action: str) -> tuple[str, ...]:
        """Those who come closest to being allowed to take the action, but never are."""
        if self.may(action) == self.MEMBERS:
            return ("hestia_deactivated", "cwj_member")
        if action == "record_view":
            return ("triager", "hmicfrs_investigator", "commissioner_monitor")
        return ("hmicfrs_investigator", "hmicfrs_approver", "hmicfrs_monitor")

    def _all_views(self, view: str) -> bool:
        return all(
            self.views.get(authority) == view
            for authority in ("hmicfrs", "college", "iopc")
        )

    def _submit(self, plan: Plan, by: str) -> None:
        self._transition(
            plan,
            "complaint",
            "submit",
            by,
            allowed=self.MEMBERS,
            sources=("draft",),
            target="submitted",
            conditions=[
                (self.designated, "the body is not designated"),
                *(
                    (name in self.filled, f"{name} is blank")
                    for name in self.DRAFT_FIELDS
                ),
                (self.evidence > 0, "no evidence"),
            ],
        )
        plan.after_commit = 1
        plan.then(lambda: setattr(self, "reference", True))

    def _acknowledge(self, plan: Plan, by: str) -> None:
        self._transition(
            plan,
            "complaint",
            "acknowledge",
            by,
            allowed=self.TRIAGERS,
            sources=("submitted",),
            target="acknowledged",
        )
        plan.after_commit = 1

    def _start_assessment(self, plan: Plan, by: str) -> None:
        self._transition(
            plan,
            "complaint",
            "start_assessment",
            by,
            allowed=self.TRIAGERS,
            sources=("acknowledged",),
            target="under_assessment",
        )

    def _decide_eligible(self, plan: Plan, by: str, reason: str) -> None:
        self._transition(
            plan,
            "complaint",
            "decide_eligible",
            by,
            allowed=self.TRIAGERS,
            sources=("under_assessment",),
            target="eligible",
            conditions=[(self._all_views("eligible"), "not every authority agrees")],
            reason=reason,
        )
        plan.after_commit = 1

        def decided() -> None:
            self.investigation_opened = True
            self.decision_reasons = reason

        plan.then(decided)

    def _decide_not_eligible(self, plan: Plan, by: str, reason: str) -> None:
        plan.refuse_if(not reason.strip(), INVALID, "no written reasons")
        self._transition(
            plan,
            "complaint",
            "decide_not_eligible",
            by,
            allowed=self.TRIAGERS,
            sources=("under_assessment",),
            target="not_eligible",
            conditions=[
                (self._all_views("not_eligible"), "not every authority agrees")
            ],
            reason=reason,
        )
        plan.after_commit = 1
        plan.then(lambda: setattr(self, "decision_reasons", reason))

    def _withdraw(self, plan: Plan, by: str, reason: str) -> None:
        self._transition(
            plan,
            "complaint",
            "withdraw",
            by,
            allowed=self.MEMBERS,
            sources=self.BEFORE_DECISION,
            target="withdrawn",
            reason=reason,
        )
        plan.refuse_if(not reason.strip(), BAD_REASON, "no reason for withdrawing")
        plan.then(lambda: setattr(self, "withdrawal_reason", reason))

    def _may_edit(self, plan: Plan, by: str) -> None:
        plan.refuse_if(
            by not in self.MEMBERS or self.state != "draft",
            NOT_ALLOWED,
            "only the body's members edit, and only a draft",
        )

    def _edit_draft(self, plan: Plan, by: str, name: str, blank: bool) -> None:
        self._may_edit(plan, by)
        plan.then(lambda: self.filled.discard(name) if blank else self.filled.add(name))

    def _attach_evidence(self, plan: Plan, by: str) -> None:
        self._may_edit(plan, by)
        plan.then(lambda: setattr(self, "evidence", self.evidence + 1))

    def _remove_evidence(self, plan: Plan, by: str, index: int) -> None:
        self._may_edit(plan, by)
        plan.after_commit = 1  # the file is deleted from storage once committed
        plan.then(lambda: setattr(self, "evidence", self.evidence - 1))

    def _record_view(self, plan: Plan, by: str, view: str, reason: str) -> None:
        plan.refuse_if(by not in self.APPROVERS, NOT_ALLOWED, "not an approver")
        plan.refuse_if(
            self.state != "under_assessment", INVALID, "not under assessment"
        )
        plan.refuse_if(not reason.strip(), INVALID, "no reasons")
        if by in self.APPROVERS:
            plan.then(lambda: self.views.__setitem__(self.APPROVERS[by], view))


# --- The joint investigation ------------------------------------------------------------------------
REPORTS = {
    "complete": {
        "report_title": "The hidden victims",
        "summary": "Victims were not always recognised.",
        "steps_taken": "We visited six forces.",
        "findings": "Referrals were made late in Kent.",
        "conclusions": "Forces should refer sooner.",
        "further_action": "",
    },
    "other findings": {
        "report_title": "The hidden victims",
        "summary": "Victims were not always recognised.",
        "steps_taken": "We visited six forces.",
        "findings": "Referrals were prompt.",
        "conclusions": "Forces should refer sooner.",
        "further_action": "",
    },
    "no findings": {
        "report_title": "The hidden victims",
        "summary": "",
        "steps_taken": "We visited six forces.",
        "findings": "",
        "conclusions": "Forces should refer sooner.",
        "further_action": "",
    },
    "blank title": {
        "report_title": "   ",
        "summary": "Victims were not always recognised.",
        "steps_taken": "We visited six forces.",
        "findings": "Referrals were made late in Kent.",
        "conclusions": "Forces should refer sooner.",
        "further_action": "",
    },
}
RECIPIENTS = {
    "nobody": (),
    "the Met": ("met",),
    "the Met and MOPAC": ("met", "mopac"),
    "Kent": ("kent",),
}
EXPLANATIONS = ("It would identify a victim.", " ")
FACT_CHECKERS = ("met", "kent")
HISTORICAL_TITLE = "An earlier report"


class InvestigationModel(SingleStateModel):
    """An investigation opened by an eligible decision, with a lead, two more investigators and an
    approver of each authority on its team, up to and including publication."""

    LEAD = "lead"
    WORKERS = frozenset({"lead", "hmicfrs_colleague", "college_investigator"})
    HMICFRS_WORKERS = frozenset({"lead", "hmicfrs_colleague"})
    TRIAGERS = frozenset({"triager"})
    APPROVERS = {
        "hmicfrs_approver": "hmicfrs",
        "college_approver": "college",
        "iopc_approver": "iopc",
    }
    PERSONAS = (
        "lead",
        "hmicfrs_colleague",
        "college_investigator",
        "hmicfrs_approver",
        "college_approver",
        "iopc_approver",
        "off_team_investigator",  # an HMICFRS investigator not on this team
        "off_team_approver",  # a College approver not on this team
        "triager",
        "hmicfrs_monitor",
        "commissioner_monitor",
        "met_recipient",
        "hestia_member",
    )
    WORKING = (
        "scoping",
        "evidence_gathering",
        "analysis",
        "drafting",
        "fact_checking",
        "sign_off",
    )
    EDITABLE = ("drafting", "fact_checking", "sign_off")
    TERMINAL = frozenset({"published"})
    TRANSITIONS = (
        "start_evidence_gathering",
        "start_analysis",
        "start_drafting",
        "send_for_fact_check",
        "send_for_sign_off",
        "publish",
        "pause",
        "resume",
        "record_historical_report",
    )

    def __init__(self) -> None:
        super().__init__()
        self.state = "scoping"
        self.paused_from = ""
        self.terms = ""
        self.themes = 0
        self.evidence_items = 0
        self.report = dict.fromkeys(REPORTS["complete"], "")
        self.recommendations: list[tuple[str, ...]] = []
        self.redactions: list[str] = []
        self.fact_checks: list[dict[str, Any]] = []
        self.approvals: set[str] = set()
        self.published = False
        self.responses: set[tuple[int, str]] = set()

    ACTIONS = (
        *TRANSITIONS,
        "write_terms",
        "add_theme",
        "add_evidence_item",
        "update_report",
        "add_recommendation",
        "remove_recommendation",
        "add_redaction",
        "remove_redaction",
        "add_fact_check_request",
        "comment_on_fact_check",
        "approve",
        "days_pass",
    )

    def items(self, action: str) -> int | None:
        return {
            "remove_recommendation": len(self.recommendations),
            "remove_redaction": len(self.redactions),
            "comment_on_fact_check": len(self.fact_checks),
        }.get(action)

    def may(self, action: str) -> frozenset[str]:
        if action in ("pause", "resume"):
            return frozenset({self.LEAD})
        if action == "publish":
            return self.HMICFRS_WORKERS
        if action == "record_historical_report":
            return self.TRIAGERS
        if action == "approve":
            return frozenset(self.APPROVERS)
        return self.WORKERS

    def lookalikes(self, action: str) -> tuple[str, ...]:
        """Those who come closest to being allowed to take the action, but never are."""
        return {
            "approve": ("off_team_approver", "lead"),
            "publish": ("college_investigator", "off_team_investigator"),
            "pause": ("hmicfrs_colleague", "college_investigator"),
            "resume": ("hmicfrs_colleague", "college_investigator"),
            "record_historical_report": ("lead", "hmicfrs_monitor"),
        }.get(action, ("off_team_investigator", "hmicfrs_approver"))

    # What must be in place, in the domain's words.
    def draft_complete(self) -> bool:
        report = self.report
        return bool(
            all(
                report[name].strip()
                for name in ("report_title", "steps_taken", "findings", "conclusions")
            )
            and self.recommendations
        )

    def redactions_apply(self) -> bool:
        return all(passage in self.report["findings"] for passage in self.redactions)

    def fact_checking_done(self) -> bool:
        return all(
            check["commented"] or self.today > check["due_on"]
            for check in self.fact_checks
        )

    def _stage(
        self,
        plan: Plan,
        name: str,
        by: str,
        source: str,
        target: str,
        conditions: Iterable[tuple[bool, str]] = (),
    ) -> None:
        """A forward move between working stages: any worker on the team may take it."""
        self._transition(
            plan,
            "investigation",
            name,
            by,
            allowed=self.WORKERS,
            sources=(source,),
            target=target,
            conditions=conditions,
        )

    def _start_evidence_gathering(self, plan: Plan, by: str) -> None:
        scoped = bool(self.terms.strip()) and self.themes > 0
        self._stage(
            plan,
            "start_evidence_gathering",
            by,
            "scoping",
            "evidence_gathering",
            [(scoped, "not scoped")],
        )

    def _start_analysis(self, plan: Plan, by: str) -> None:
        self._stage(
            plan,
            "start_analysis",
            by,
            "evidence_gathering",
            "analysis",
            [(self.evidence_items > 0, "no evidence logged")],
        )

    def _start_drafting(self, plan: Plan, by: str) -> None:
        self._stage(plan, "start_drafting", by, "analysis", "drafting")

    def _send_for_fact_check(self, plan: Plan, by: str) -> None:
        self._stage(
            plan,
            "send_for_fact_check",
            by,
            "drafting",
            "fact_checking",
            [
                (self.draft_complete(), "draft incomplete"),
                (bool(self.fact_checks), "nobody to fact-check"),
            ],
        )
        plan.after_commit = 1

        def sent() -> None:
            for check in self.fact_checks:
                check["sent"] = True

        plan.then(sent)

    def _send_for_sign_off(self, plan: Plan, by: str) -> None:
        self._stage(
            plan,
            "send_for_sign_off",
            by,
            "fact_checking",
            "sign_off",
            [
                (self.draft_complete(), "draft incomplete"),
                (self.redactions_apply(), "a withheld passage is gone"),
                (self.fact_checking_done(), "fact-checks outstanding"),
            ],
        )

    def _publish(self, plan: Plan, by: str) -> None:
        self._transition(
            plan,
            "investigation",
            "publish",
            by,
            allowed=self.HMICFRS_WORKERS,
            sources=("sign_off",),
            target="published",
            conditions=[
                (self.draft_complete(), "draft incomplete"),
                (self.redactions_apply(), "a withheld passage is gone"),
                (
                    self.approvals == {"hmicfrs", "college", "iopc"},
                    "not signed off",
                ),
            ],
        )
        plan.after_commit = 1

        def published() -> None:
            self.published = True
            self.responses = {
                (number, organisation)
                for number, recipients in enumerate(self.recommendations, start=1)
                for organisation in recipients
            }

        plan.then(published)

    def _pause(self, plan: Plan, by: str, reason: str) -> None:
        plan.refuse_if(not reason.strip(), INVALID, "no reason for the pause")
        self._transition(
            plan,
            "investigation",
            "pause",
            by,
            allowed={self.LEAD},
            sources=self.WORKING,
            target="paused",
            reason=reason,
        )
        plan.then(lambda: setattr(self, "paused_from", plan.log_rows[0].source))

    def _resume(self, plan: Plan, by: str) -> None:
        self._transition(
            plan,
            "investigation",
            "resume",
            by,
            allowed={self.LEAD},
            sources=("paused",),
            target=self.paused_from,
        )
        plan.then(lambda: setattr(self, "paused_from", ""))

    def _record_historical_report(self, plan: Plan, by: str) -> None:
        self._transition(
            plan,
            "investigation",
            "record_historical_report",
            by,
            allowed=self.TRIAGERS,
            sources=("scoping",),
            target="published",
            reason="Report published before this service existed.",
        )

        def recorded() -> None:
            self.published = True
            self.report["report_title"] = HISTORICAL_TITLE

        plan.then(recorded)

    # The work that the conditions need.
    def _worker(self, plan: Plan, by: str) -> None:
        plan.refuse_if(by not in self.WORKERS, NOT_ALLOWED, "not working on it")
        plan.refuse_if(self.published, INVALID, "the report is published")

    def _editor(self, plan: Plan, by: str) -> None:
        plan.refuse_if(by not in self.WORKERS, NOT_ALLOWED, "not working on it")
        plan.refuse_if(self.state not in self.EDITABLE, INVALID, "not editable now")

    def _content_changed(self, plan: Plan) -> None:
        plan.then(self.approvals.clear)

    def _write_terms(self, plan: Plan, by: str, text: str) -> None:
        self._worker(plan, by)
        plan.then(lambda: setattr(self, "terms", text))

    def _add_theme(self, plan: Plan, by: str) -> None:
        self._worker(plan, by)
        plan.then(lambda: setattr(self, "themes", self.themes + 1))

    def _add_evidence_item(self, plan: Plan, by: str) -> None:
        self._worker(plan, by)
        plan.then(lambda: setattr(self, "evidence_items", self.evidence_items + 1))

    def _update_report(self, plan: Plan, by: str, variant: str) -> None:
        self._editor(plan, by)
        plan.then(lambda: self.report.update(REPORTS[variant]))
        self._content_changed(plan)

    def _add_recommendation(self, plan: Plan, by: str, recipients: str) -> None:
        self._editor(plan, by)
        plan.refuse_if(not RECIPIENTS[recipients], INVALID, "no recipients")
        plan.then(lambda: self.recommendations.append(RECIPIENTS[recipients]))
        self._content_changed(plan)

    def _remove_recommendation(self, plan: Plan, by: str, index: int) -> None:
        self._editor(plan, by)
        plan.then(lambda: self.recommendations.pop(index))
        self._content_changed(plan)

    def _add_redaction(
        self, plan: Plan, by: str, passage: str, explanation: str
    ) -> None:
        self._editor(plan, by)
        plan.refuse_if(not explanation.strip(), INVALID, "no explanation")
        plan.refuse_if(
            not passage.strip() or passage not in self.report["findings"],
            INVALID,
            "the passage is not in the findings",
        )
        plan.then(lambda: self.redactions.append(passage))
        self._content_changed(plan)

    def _remove_redaction(self, plan: Plan, by: str, index: int) -> None:
        self._editor(plan, by)
        plan.then(lambda: self.redactions.pop(index))
        self._content_changed(plan)

    def _add_fact_check_request(
        self, plan: Plan, by: str, organisation: str, due_in: int
    ) -> None:
        self._editor(plan, by)
        plan.refuse_if(due_in <= 0, INVALID, "comments must be due after today")
        plan.refuse_if(
            any(check["organisation"] == organisation for check in self.fact_checks),
            INVALID,
            "already asked",
        )
        sent_now = self.state != "drafting"
        plan.after_commit = int(sent_now)
        plan.then(
            lambda: self.fact_checks.append(
                {
                    "organisation": organisation,
                    "due_on": self.today + timedelta(days=due_in),
                    "sent": sent_now,
                    "commented": False,
                }
            )
        )

    def _comment_on_fact_check(
        self, plan: Plan, by: str, index: int, reason: str
    ) -> None:
        check = self.fact_checks[index]
        plan.refuse_if(by not in self.WORKERS, NOT_ALLOWED, "not working on it")
        plan.refuse_if(not check["sent"], INVALID, "not sent yet")
        plan.refuse_if(self.published, INVALID, "the report is published")
        plan.refuse_if(not reason.strip(), INVALID, "no comments")
        plan.then(lambda: check.update(commented=True))

    def _approve(self, plan: Plan, by: str) -> None:
        authority = self.APPROVERS.get(by)
        plan.refuse_if(authority is None, NOT_ALLOWED, "not an approver on the team")
        plan.refuse_if(self.state != "sign_off", INVALID, "not waiting for sign-off")
        plan.refuse_if(authority in self.approvals, INVALID, "already signed off")
        plan.then(lambda: self.approvals.add(authority))


# --- Responses to a recommendation ------------------------------------------------------------------
OUTCOMES = ("accepted", "partly_accepted", "not_accepted")
DRAFT_TEXTS = ("We accept it and will train every officer.", "", "  ")
ORGANISATION_NAMES = {
    "met": "Metropolitan Police Service",
    "mopac": "Mayor's Office for Policing and Crime",
}


class ResponseModel(Model):
    """The Met's and MOPAC's responses to one recommendation of a published report (a force and its
    PCC: either may answer alone, or both at once jointly), with their extension requests."""

    RESPONDERS = {
        "met": frozenset({"met_recipient", "met_colleague"}),
        "mopac": frozenset({"mopac_recipient"}),
    }
    VERIFIERS = frozenset({"hmicfrs_monitor"})
    DECIDERS = frozenset({"hmicfrs_monitor", "triager"})  # extensions and reopening
    PERSONAS = (
        "met_recipient",
        "met_colleague",
        "met_deactivated",  # a Met recipient whose account was switched off
        "mopac_recipient",
        "kent_recipient",  # a recipient of another force
        "hmicfrs_monitor",
        "triager",
        "commissioner_monitor",
        "hestia_member",
        "college_investigator",
    )
    TERMINAL = frozenset({"verified", "granted", "refused"})
    # Closed, but HMICFRS may reopen it: a published response that did not accept.
    REOPENABLE = ("reopen",)
    TRANSITIONS = (
        "publish_response",
        "publish_joint_response",
        "start_work",
        "report_implementation",
        "verify",
        "send_back",
        "reopen",
        "request_extension",
        "grant",
        "refuse",
    )

    def __init__(self, due_on: date) -> None:
        super().__init__()
        self.responses = {
            key: {
                "state": "awaiting_response",
                "outcome": "",
                "text": "",
                "joint_with": None,
                "summary": "",
                "due_on": due_on,
                "extension_pending": False,
                "reported_by": None,
            }
            for key in ("met", "mopac")
        }
        self.extensions: list[dict[str, Any]] = []
        # Each granted extension moves the response's due date: (response, old date, new date).
        self.due_date_changes: list[tuple[str, date, date]] = []

    def state_of(self, subject: str) -> str:
        if subject.startswith("extension"):
            return self.extensions[int(subject.split()[1])]["state"]
        return self.responses[subject]["state"]

    def set_state(self, subject: str, state: str) -> None:
        if subject.startswith("extension"):
            self.extensions[int(subject.split()[1])]["state"] = state
        else:
            self.responses[subject]["state"] = state

    ACTIONS = (*TRANSITIONS, "save_draft", "days_pass")

    def items(self, action: str) -> int | None:
        return len(self.extensions) if action in ("grant", "refuse") else None

    def may(self, action: str, key: str) -> frozenset[str]:
        if action in ("verify", "send_back"):
            return self.VERIFIERS
        if action in ("reopen", "grant", "refuse"):
            return self.DECIDERS
        return self.responders(key)

    def lookalikes(self, action: str, key: str) -> tuple[str, ...]:
        """Those who come closest to being allowed to take the action, but never are."""
        if action in ("verify", "send_back"):
            return (
                "triager",
                "commissioner_monitor",
            )  # HMICFRS, but not its monitoring staff
        if action in ("reopen", "grant", "refuse"):
            return ("commissioner_monitor", "met_recipient")
        partner = self.RESPONDERS[self.partner(key)] - self.responders(key)
        return (*sorted(partner), "kent_recipient", "met_deactivated")

    def responders(self, key: str) -> frozenset[str]:
        response = self.responses[key]
        if response["joint_with"] is None:
            return self.RESPONDERS[key]
        return self.RESPONDERS[key] | self.RESPONDERS[response["joint_with"]]

    @staticmethod
    def partner(key: str) -> str:
        return "mopac" if key == "met" else "met"

    def is_closed(self, key: str) -> bool:
        response = self.responses[key]
        return response["state"] == "verified" or (
            response["state"] == "response_published"
            and response["outcome"] == "not_accepted"
        )

    def _save_draft(
        self, plan: Plan, by: str, key: str, outcome: str, text: str
    ) -> None:
        response = self.responses[key]
        plan.refuse_if(by not in self.responders(key), NOT_ALLOWED, "not theirs")
        plan.refuse_if(
            bool(outcome) and outcome not in OUTCOMES, INVALID, "no such outcome"
        )
        plan.refuse_if(
            response["state"] != "awaiting_response", INVALID, "already published"
        )
        plan.then(lambda: response.update(outcome=outcome, text=text))

    def _publish_response(self, plan: Plan, by: str, key: str) -> None:
        response = self.responses[key]
        self._transition(
            plan,
            key,
            "publish_response",
            by,
            allowed=self.responders(key),
            sources=("awaiting_response",),
            target="response_published",
            conditions=[
                (response["outcome"] in OUTCOMES, "no outcome"),
                (bool(response["text"].strip()), "no text"),
            ],
        )

    def _publish_joint_response(
        self, plan: Plan, by: str, key: str, outcome: str, text: str
    ) -> None:
        other = self.partner(key)
        states = {self.responses[key]["state"], self.responses[other]["state"]}
        plan.refuse_if(by not in self.responders(key), NOT_ALLOWED, "not theirs")
        plan.refuse_if(
            states != {"awaiting_response"}, INVALID, "both must be awaiting"
        )
        plan.refuse_if(outcome not in OUTCOMES, NOT_NOW, "no outcome")
        plan.refuse_if(not text.strip(), NOT_NOW, "no text")
        reason = f"Joint response of {ORGANISATION_NAMES[key]} and {ORGANISATION_NAMES[other]}"
        for one, partner in ((key, other), (other, key)):
            plan.log_rows.append(
                LogRow(
                    one,
                    "publish_response",
                    self.responses[one]["state"],
                    "response_published",
                    by,
                    reason,
                )
            )
            plan.then(
                lambda one=one, partner=partner: self.responses[one].update(
                    outcome=outcome,
                    text=text,
                    joint_with=partner,
                    state="response_published",
                )
            )

    def _start_work(self, plan: Plan, by: str, key: str) -> None:
        accepted = self.responses[key]["outcome"] in ("accepted", "partly_accepted")
        self._transition(
            plan,
            key,
            "start_work",
            by,
            allowed=self.responders(key),
            sources=("response_published",),
            target="in_progress",
            conditions=[(accepted, "not accepted")],
        )

    def _report_implementation(
        self, plan: Plan, by: str, key: str, reason: str
    ) -> None:
        plan.refuse_if(not reason.strip(), INVALID, "no summary")
        self._transition(
            plan,
            key,
            "report_implementation",
            by,
            allowed=self.responders(key),
            sources=("in_progress",),
            target="implementation_reported",
        )
        plan.then(lambda: self.responses[key].update(summary=reason, reported_by=by))

    def _verify(self, plan: Plan, by: str, key: str) -> None:
        # Four eyes: whoever reported the implementation does not verify it.
        plan.refuse_if(
            by == self.responses[key]["reported_by"], INVALID, "reported it themselves"
        )
        self._transition(
            plan,
            key,
            "verify",
            by,
            allowed=self.VERIFIERS,
            sources=("implementation_reported",),
            target="verified",
        )

    def _send_back(self, plan: Plan, by: str, key: str, reason: str) -> None:
        plan.refuse_if(not reason.strip(), INVALID, "no reason")
        self._transition(
            plan,
            key,
            "send_back",
            by,
            allowed=self.VERIFIERS,
            sources=("implementation_reported",),
            target="in_progress",
            reason=reason,
        )
        plan.after_commit = 1
        plan.then(lambda: self.responses[key].update(reported_by=None))

    def _reopen(self, plan: Plan, by: str, key: str, reason: str) -> None:
        plan.refuse_if(not reason.strip(), INVALID, "no reason")
        self._transition(
            plan,
            key,
            "reopen",
            by,
            allowed=self.DECIDERS,
            sources=("response_published",),
            target="awaiting_response",
            conditions=[
                (self.responses[key]["outcome"] == "not_accepted", "it was accepted")
            ],
            reason=reason,
        )

    def _request_extension(
        self, plan: Plan, by: str, key: str, more_days: int, reason: str
    ) -> None:
        response = self.responses[key]
        plan.refuse_if(by not in self.responders(key), NOT_ALLOWED, "not theirs")
        plan.refuse_if(
            response["state"] != "awaiting_response", INVALID, "already published"
        )
        plan.refuse_if(self.today > response["due_on"], INVALID, "asked too late")
        plan.refuse_if(more_days <= 0, INVALID, "no later date asked for")
        plan.refuse_if(not reason.strip(), INVALID, "no reason")
        plan.refuse_if(response["extension_pending"], INVALID, "one is pending")
        subject = f"extension {len(self.extensions)}"
        plan.log_rows.append(
            LogRow(subject, "request_extension", "", "pending", by, reason)
        )

        def asked() -> None:
            self.extensions.append(
                {
                    "response": key,
                    "state": "pending",
                    "due_on_when_asked": response["due_on"],
                    "requested_due_on": response["due_on"] + timedelta(days=more_days),
                }
            )
            response["extension_pending"] = True

        plan.then(asked)

    def _decide(self, plan: Plan, by: str, index: int, name: str, reason: str) -> None:
        plan.refuse_if(not reason.strip(), INVALID, "no reason")
        self._transition(
            plan,
            f"extension {index}",
            name,
            by,
            allowed=self.DECIDERS,
            sources=("pending",),
            target="granted" if name == "grant" else "refused",
            reason=reason,
        )
        plan.after_commit = 1
        response = self.responses[self.extensions[index]["response"]]
        plan.then(lambda: response.update(extension_pending=False))

    def _grant(
        self, plan: Plan, by: str, index: int, later_by: int, reason: str
    ) -> None:
        plan.refuse_if(later_by <= 0, INVALID, "the new date is not later")
        self._decide(plan, by, index, "grant", reason)
        extension = self.extensions[index]
        response = self.responses[extension["response"]]
        new_due_on = extension["due_on_when_asked"] + timedelta(days=later_by)

        def granted() -> None:
            self.due_date_changes.append(
                (extension["response"], response["due_on"], new_due_on)
            )
            response["due_on"] = new_due_on

        plan.then(granted)

    def _refuse(self, plan: Plan, by: str, index: int, reason: str) -> None:
        self._decide(plan, by, index, "refuse", reason)
