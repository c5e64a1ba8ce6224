"""Reference organisations, with their real names, loaded by a data migration (idempotent by slug).

Police forces in scope: PRA 2002 s29A(3) — the 43 territorial forces of England and Wales (including
the Metropolitan Police and the City of London Police), the British Transport Police, the Civil
Nuclear Constabulary, the Ministry of Defence Police and the National Crime Agency.
Designated bodies: only those DOMAIN.md §2.4 confirms; all were designated by SI 2018/748, in force
1 November 2018. The remaining bodies of the Schedule are not recorded until confirmed.
"""

from datetime import date

from django.utils.text import slugify

SI_2018_748_IN_FORCE = date(2018, 11, 1)

# (force, its local policing body, type of that body)
TERRITORIAL_FORCES: tuple[tuple[str, str, str], ...] = (
    (
        "Avon and Somerset Constabulary",
        "Avon and Somerset Police and Crime Commissioner",
        "pcc",
    ),
    ("Bedfordshire Police", "Bedfordshire Police and Crime Commissioner", "pcc"),
    (
        "Cambridgeshire Constabulary",
        "Cambridgeshire and Peterborough Police and Crime Commissioner",
        "pcc",
    ),
    ("Cheshire Constabulary", "Cheshire Police and Crime Commissioner", "pcc"),
    (
        "City of London Police",
        "Common Council of the City of London (Police Authority Board)",
        "city_of_london",
    ),
    ("Cleveland Police", "Cleveland Police and Crime Commissioner", "pcc"),
    ("Cumbria Constabulary", "Cumbria Police, Fire and Crime Commissioner", "pfcc"),
    ("Derbyshire Constabulary", "Derbyshire Police and Crime Commissioner", "pcc"),
    (
        "Devon and Cornwall Police",
        "Devon, Cornwall and the Isles of Scilly Police and Crime Commissioner",
        "pcc",
    ),
    ("Dorset Police", "Dorset Police and Crime Commissioner", "pcc"),
    ("Durham Constabulary", "Durham Police and Crime Commissioner", "pcc"),
    ("Dyfed-Powys Police", "Dyfed-Powys Police and Crime Commissioner", "pcc"),
    ("Essex Police", "Essex Police, Fire and Crime Commissioner", "pfcc"),
    (
        "Gloucestershire Constabulary",
        "Gloucestershire Police and Crime Commissioner",
        "pcc",
    ),
    ("Greater Manchester Police", "Mayor of Greater Manchester", "mayor"),
    ("Gwent Police", "Gwent Police and Crime Commissioner", "pcc"),
    (
        "Hampshire and Isle of Wight Constabulary",
        "Hampshire and Isle of Wight Police and Crime Commissioner",
        "pcc",
    ),
    (
        "Hertfordshire Constabulary",
        "Hertfordshire Police and Crime Commissioner",
        "pcc",
    ),
    ("Humberside Police", "Humberside Police and Crime Commissioner", "pcc"),
    ("Kent Police", "Kent Police and Crime Commissioner", "pcc"),
    ("Lancashire Constabulary", "Lancashire Police and Crime Commissioner", "pcc"),
    (
        "Leicestershire Police",
        "Leicester, Leicestershire and Rutland Police and Crime Commissioner",
        "pcc",
    ),
    ("Lincolnshire Police", "Lincolnshire Police and Crime Commissioner", "pcc"),
    ("Merseyside Police", "Merseyside Police and Crime Commissioner", "pcc"),
    ("Metropolitan Police Service", "Mayor's Office for Policing and Crime", "mayor"),
    ("Norfolk Constabulary", "Norfolk Police and Crime Commissioner", "pcc"),
    ("North Wales Police", "North Wales Police and Crime Commissioner", "pcc"),
    ("North Yorkshire Police", "Mayor of York and North Yorkshire", "mayor"),
    (
        "Northamptonshire Police",
        "Northamptonshire Police, Fire and Crime Commissioner",
        "pfcc",
    ),
    ("Northumbria Police", "Northumbria Police and Crime Commissioner", "pcc"),
    ("Nottinghamshire Police", "Nottinghamshire Police and Crime Commissioner", "pcc"),
    ("South Wales Police", "South Wales Police and Crime Commissioner", "pcc"),
    ("South Yorkshire Police", "Mayor of South Yorkshire", "mayor"),
    (
        "Staffordshire Police",
        "Staffordshire Police, Fire and Crime Commissioner",
        "pfcc",
    ),
    ("Suffolk Constabulary", "Suffolk Police and Crime Commissioner", "pcc"),
    ("Surrey Police", "Surrey Police and Crime Commissioner", "pcc"),
    ("Sussex Police", "Sussex Police and Crime Commissioner", "pcc"),
    ("Thames Valley Police", "Thames Valley Police and Crime Commissioner", "pcc"),
    ("Warwickshire Police", "Warwickshire Police and Crime Commissioner", "pcc"),
    ("West Mercia Police", "West Mercia Police and Crime Commissioner", "pcc"),
    ("West Midlands Police", "West Midlands Police and Crime Commissioner", "pcc"),
    ("West Yorkshire Police", "Mayor of West Yorkshire", "mayor"),
    ("Wiltshire Police", "Wiltshire Police and Crime Commissioner", "pcc"),
)

OTHER_FORCES: tuple[tuple[str, str], ...] = (
    ("British Transport Police", "BTP"),
    ("Civil Nuclear Constabulary", "CNC"),
    ("Ministry of Defence Police", "MDP"),
    ("National Crime Agency", "NCA"),
)

# (name, short name, kind)
NATIONAL_AND_OVERSIGHT: tuple[tuple[str, str, str], ...] = (
    (
        "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        "HMICFRS",
        "hmicfrs",
    ),
    ("College of Policing", "College of Policing", "college"),
    ("Independent Office for Police Conduct", "IOPC", "iopc"),
    ("Home Office", "Home Office", "national_body"),
    ("Ministry of Justice", "MoJ", "national_body"),
    ("Crown Prosecution Service", "CPS", "national_body"),
    ("National Police Chiefs' Council", "NPCC", "national_body"),
    ("Association of Police and Crime Commissioners", "APCC", "national_body"),
    ("Independent Anti-Slavery Commissioner", "IASC", "oversight_body"),
    (
        "Victims' Commissioner for England and Wales",
        "Victims' Commissioner",
        "oversight_body",
    ),
    (
        "Domestic Abuse Commissioner for England and Wales",
        "Domestic Abuse Commissioner",
        "oversight_body",
    ),
)

# (name, short name) — designated by SI 2018/748 (DOMAIN.md §2.4, confirmed ones only).
DESIGNATED_BODIES: tuple[tuple[str, str], ...] = (
    ("Liberty", "Liberty"),
    ("Centre for Women's Justice", "CWJ"),
    ("Hestia", "Hestia"),
    ("Tees Valley Inclusion Project", "TVIP (Halo Project)"),
    ("Criminal Justice Alliance", "CJA"),
    ("Suzy Lamplugh Trust", "Suzy Lamplugh Trust"),
)


def slug_for(name: str) -> str:
    return slugify(name.replace("'", ""))[:80]


def load(organisation_model) -> None:  # noqa: ANN001 - a historical model in migrations
    """Create or refresh every reference organisation. Safe to run any number of times."""

    def put(name: str, **fields) -> object:
        obj, _ = organisation_model.objects.update_or_create(
            slug=slug_for(name), defaults={"name": name, **fields}
        )
        return obj

    for force_name, lpb_name, lpb_type in TERRITORIAL_FORCES:
        force = put(
            force_name, kind="police_force", is_territorial_force=True, short_name=""
        )
        put(
            lpb_name,
            kind="local_policing_body",
            local_policing_body_type=lpb_type,
            police_force=force,
        )
    for name, short in OTHER_FORCES:
        put(name, kind="police_force", short_name=short, is_territorial_force=False)
    for name, short, kind in NATIONAL_AND_OVERSIGHT:
        put(name, kind=kind, short_name=short)
    for name, short in DESIGNATED_BODIES:
        # A revocation recorded by an administrator is kept: only the designation date is refreshed.
        put(
            name,
            kind="designated_body",
            short_name=short,
            designated_on=SI_2018_748_IN_FORCE,
        )
