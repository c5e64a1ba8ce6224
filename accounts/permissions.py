"""Who may do what: plain predicates of (user, object), the only place roles are compared.

Each is built from the user's organisation and roles (never from a URL or a form) and the object's
organisation and state. Seeing an object is decided by each model's `objects.visible_to(user)`;
these predicates decide acting on it. Transitions take them through `for_transition`, because
django-fsm-2 calls a transition's permission as (instance, user).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from accounts.models import DECISION_MAKING_AUTHORITIES, OrganisationKind, Role

if TYPE_CHECKING:
    from accounts.models import User
    from complaints.models import SuperComplaint


def is_active_user(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.organisation_id
    )


def has_role_in(user: Any, role: str, *kinds: str) -> bool:
    return (
        is_active_user(user) and user.organisation.kind in kinds and user.has_role(role)
    )


# --- Designated bodies ---------------------------------------------------------------------------
def is_body_member(user: Any) -> bool:
    return has_role_in(user, Role.MEMBER, OrganisationKind.DESIGNATED_BODY)


def is_member_of_complainant(user: Any, complaint: SuperComplaint) -> bool:
    return is_body_member(user) and user.organisation_id == complaint.organisation_id


def can_start_complaint(user: Any) -> bool:
    return is_body_member(user)


def can_edit_draft(user: Any, complaint: SuperComplaint) -> bool:
    return is_member_of_complainant(user, complaint) and complaint.is_draft


def can_submit(user: Any, complaint: SuperComplaint) -> bool:
    return is_member_of_complainant(user, complaint)


def can_withdraw(user: Any, complaint: SuperComplaint) -> bool:
    return is_member_of_complainant(user, complaint)


# --- HMICFRS's super-complaints team -------------------------------------------------------------
def is_triager(user: Any) -> bool:
    return has_role_in(user, Role.TRIAGER, OrganisationKind.HMICFRS)


def can_triage(user: Any, complaint: SuperComplaint) -> bool:
    """Acknowledge, start the assessment, link a repeat and notify the decision: HMICFRS's team only
    (SI 2018/748 regs 5 and 6: HMCIC receives, acknowledges and informs the body)."""
    return is_triager(user)


# --- The three decision-making authorities ------------------------------------------------------
def is_authority_approver(user: Any) -> bool:
    return has_role_in(user, Role.APPROVER, *DECISION_MAKING_AUTHORITIES)


def can_record_eligibility_view(user: Any, complaint: SuperComplaint) -> bool:
    return is_authority_approver(user)


def is_authority_staff(user: Any) -> bool:
    """Anyone in HMICFRS, the College or the IOPC with a working role on super-complaints."""
    if (
        not is_active_user(user)
        or user.organisation.kind not in DECISION_MAKING_AUTHORITIES
    ):
        return False
    return bool(
        user.roles & {Role.TRIAGER, Role.INVESTIGATOR, Role.APPROVER, Role.MONITOR}
    )


def is_monitor(user: Any) -> bool:
    return has_role_in(
        user,
        Role.MONITOR,
        OrganisationKind.HMICFRS,
        OrganisationKind.NATIONAL_BODY,
        OrganisationKind.OVERSIGHT_BODY,
    )


def can_see_submitted_complaints(user: Any) -> bool:
    """The authorities' staff and monitors see every complaint once submitted; drafts never."""
    return is_authority_staff(user) or is_monitor(user)


def can_view_intake_queue(user: Any) -> bool:
    return is_triager(user)


def can_administer_records(user: User) -> bool:
    """Recording historical facts (a report published before this service existed)."""
    return is_triager(user)


# --- The joint investigation (team-scoped) -------------------------------------------------------
# A team is named per investigation; `Investigation.team_role(user)` reads it from the prefetched team.
def is_investigator(user: Any) -> bool:
    return has_role_in(user, Role.INVESTIGATOR, *DECISION_MAKING_AUTHORITIES)


def can_appoint_lead(user: Any, investigation: Any) -> bool:
    """HMICFRS's super-complaints team staffs a newly opened investigation by naming its lead."""
    return is_triager(user)


def is_on_team(user: Any, investigation: Any) -> bool:
    return is_active_user(user) and investigation.team_role(user) is not None


def can_work_on(user: Any, investigation: Any) -> bool:
    """The lead and the investigators on the team run the investigation and write its material."""
    return is_active_user(user) and investigation.team_role(user) in (
        "lead",
        "investigator",
    )


def can_lead(user: Any, investigation: Any) -> bool:
    """The lead manages the team, pauses and resumes."""
    return is_active_user(user) and investigation.team_role(user) == "lead"


def can_sign_off(user: Any, investigation: Any) -> bool:
    """An approver named on the team, holding the approver role in one of the three authorities."""
    return is_authority_approver(user) and investigation.team_role(user) == "approver"


def can_publish_report(user: Any, investigation: Any) -> bool:
    """HMCIC sends and publishes the report (reg 8): a lead or investigator of HMICFRS on the team."""
    return (
        can_work_on(user, investigation)
        and user.organisation.kind == OrganisationKind.HMICFRS
    )


def can_see_investigation(user: Any, investigation: Any) -> bool:
    # The roles first: they are read with the user, the team is a query.
    return is_monitor(user) or is_on_team(user, investigation)


# --- Recipients' responses to recommendations ----------------------------------------------------
def is_recipient(user: Any) -> bool:
    return has_role_in(
        user,
        Role.RECIPIENT,
        OrganisationKind.POLICE_FORCE,
        OrganisationKind.LOCAL_POLICING_BODY,
        OrganisationKind.NATIONAL_BODY,
        OrganisationKind.COLLEGE,
    )


def can_respond(user: Any, response: Any) -> bool:
    """A recipient acts only on its own organisation's responses (and, once a PCC and its force
    have responded jointly, on the joint response recorded against its partner)."""
    if not is_recipient(user):
        return False
    if user.organisation_id == response.organisation_id:
        return True
    partner = response.joint_with
    return partner is not None and partner.organisation_id == user.organisation_id


def can_read_draft(user: Any, response: Any) -> bool:
    """A draft response is the recipient's own until it is published."""
    return can_respond(user, response)


def is_hmicfrs_monitor(user: Any) -> bool:
    """HMICFRS's monitoring staff: they verify implementation and decide extensions."""
    return has_role_in(user, Role.MONITOR, OrganisationKind.HMICFRS)


def can_verify(user: Any, response: Any) -> bool:
    return is_hmicfrs_monitor(user)


def can_reopen(user: Any, response: Any) -> bool:
    """HMICFRS may reopen a response that did not accept the recommendation."""
    return is_hmicfrs_monitor(user) or is_triager(user)


def can_decide_extension(user: Any, extension_request: Any) -> bool:
    """HMICFRS decides whether a recipient gets more time to respond."""
    return is_hmicfrs_monitor(user) or is_triager(user)


def can_monitor_responses(user: Any) -> bool:
    """Who sees the monitoring dashboard across every complaint: the oversight bodies, the
    authorities' staff and the designated bodies (for their own complaints' recommendations)."""
    return is_monitor(user) or is_authority_staff(user) or is_body_member(user)


def for_transition(predicate: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """Adapt a (user, obj) predicate to django-fsm-2's (instance, user) permission call."""

    def permission(instance: Any, user: Any) -> bool:
        return predicate(user, instance)

    permission.__name__ = predicate.__name__
    permission.__doc__ = predicate.__doc__
    return permission
