from io import StringIO

from django.core.management import call_command

from accounts.models import Organisation, OrganisationKind


def test_no_missing_migrations(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_reference_data_is_loaded_by_migrate(db):
    forces = Organisation.objects.of_kind(OrganisationKind.POLICE_FORCE)
    territorial = forces.filter(is_territorial_force=True)
    bodies = Organisation.objects.of_kind(OrganisationKind.LOCAL_POLICING_BODY)

    assert (forces.count(), territorial.count(), bodies.count()) == (47, 43, 43)
    assert set(
        forces.filter(is_territorial_force=False).values_list("short_name", flat=True)
    ) == {"BTP", "CNC", "MDP", "NCA"}
    assert sorted(bodies.values_list("police_force__name", flat=True)) == sorted(
        territorial.values_list("name", flat=True)
    )
    assert Organisation.objects.get(
        name="Metropolitan Police Service"
    ).local_policing_bodies.get().name == ("Mayor's Office for Policing and Crime")
    assert set(
        Organisation.objects.of_kind(OrganisationKind.NATIONAL_BODY).values_list(
            "short_name", flat=True
        )
    ) == {
        "Home Office",
        "MoJ",
        "CPS",
        "NPCC",
        "APCC",
    }
    hestia = Organisation.objects.get(slug="hestia")
    assert hestia.designated_on.isoformat() == "2018-11-01"


def test_no_user_or_password_is_created_by_migrations(db):
    from accounts.models import User

    assert User.objects.count() == 0
