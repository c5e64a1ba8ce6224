"""One boring factory per model. Organisations come from the reference data the migrations load."""

from __future__ import annotations

import factory

from accounts.models import Organisation, RoleGrant, User
from complaints.models import EligibilityView, Evidence, SuperComplaint


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


HMICFRS = "his-majestys-inspectorate-of-constabulary-and-fire-rescue-services"
COLLEGE = "college-of-policing"
IOPC = "independent-office-for-police-conduct"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(
        self, create: bool, extracted: list[str] | None, **kwargs: object
    ) -> None:
        for role in extracted or []:
            RoleGrant.objects.create(user=self, role=role)


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A draft with everything reg 4 needs except evidence (add an EvidenceFactory)."""

    class Meta:
        model = SuperComplaint

    organisation = factory.LazyFunction(lambda: org("hestia"))
    created_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..organisation")
    )
    title = "Police response to victims of modern slavery"
    features = "Officers miss signs of exploitation."
    harm_explanation = "Victims are left at risk of re-exploitation."
    contact_name = "Hannah Evans"
    contact_email = "hannah@hestia.example"


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    complaint = factory.SubFactory(ComplaintFactory)
    file = factory.django.FileField(filename="upload.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "report.pdf"
    content_type = "application/pdf"
    kind_label = "PDF document"
    size = 15
    sha256 = "0" * 64
    uploaded_by = factory.SelfAttribute("complaint.created_by")


class EligibilityViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityView

    complaint = factory.SubFactory(ComplaintFactory)
    authority = factory.LazyFunction(lambda: org(HMICFRS))
    view = EligibilityView.View.ELIGIBLE
    reasons = "Complies with reg 4."
    recorded_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..authority")
    )
