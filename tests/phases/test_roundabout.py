"""Phase III, the roundabout: laps, attachments, the component register and the readiness view.

The permission matrix (tests/matrix/phases_roundabout.py) covers each role on a measure its
team lead leads; here: the rules of laps and components, foreign ids, uploads and query counts.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Role
from phases.forms.roundabout import PilotIterationForm, ServiceComponentForm
from phases.models import (
    IterationAttachment,
    LapDecisionCorrection,
    PilotIteration,
    ServiceComponent,
)
from phases.views.roundabout import measure_section
from tests.factories import (
    MeasureFactory,
    MembershipFactory,
    PilotIterationFactory,
    ProgramFactory,
    ServiceComponentFactory,
    UnitFactory,
    UserFactory,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, 0), tick=False):
        yield


@pytest.fixture
def english(admin_user, coordinator, team_lead, member, viewer):
    """Assertions read the English texts, whatever the translators make of them."""
    for user in (admin_user, coordinator, team_lead, member, viewer):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(
        program=ProgramFactory(organization=organization), team_lead=team_lead, phase=3
    )


@pytest.fixture
def other_measure(organization):
    return MeasureFactory(program=ProgramFactory(organization=organization), phase=3)


@pytest.fixture
def foreign_measure(other_organization):
    return MeasureFactory(program=ProgramFactory(organization=other_organization), phase=3)


@pytest.fixture
def school(organization):
    return UnitFactory(organization=organization, name="Bakken skole")


def url(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


def lap(measure, number, start, end, **extra):
    return PilotIterationFactory(
        measure=measure, number=number, period_start=start, period_end=end, **extra
    )


LAP = {
    "number": "1",
    "period_start": "15.08.2026",
    "period_end": "20.10.2026",
    "developed": "A routine for following up absence",
    "piloted_note": "Two classes in year 5",
    "findings": "Absence fell in both classes",
    "learned": "The routine needs a named contact person",
    "decision_next": "Another lap with all of year 5",
}


def errors(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


# --- laps -----------------------------------------------------------------------------------


def test_the_team_lead_logs_a_lap_with_the_units_where_it_was_piloted(
    login, team_lead, measure, school, english
):
    response = login(team_lead).post(
        url("iteration_create", measure), {**LAP, "piloted_where": [school.pk]}, follow=True
    )
    saved = PilotIteration.objects.get(measure=measure)
    assert (saved.number, saved.period_start, saved.period_end) == (
        1,
        dt.date(2026, 8, 15),
        dt.date(2026, 10, 20),
    )
    assert list(saved.piloted_where.all()) == [school]
    assert saved.logged_by == team_lead
    assert {entry.history_user for entry in saved.history.all()} == {team_lead}
    assert response.redirect_chain[-1][0] == url("iteration_detail", measure, saved.pk)
    page = response.content.decode()
    assert "The lap is saved." in page
    assert "Bakken skole" in page
    assert "The routine needs a named contact person" in page


def test_the_form_proposes_the_next_number(login, team_lead, measure):
    lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    lap(measure, 2, dt.date(2026, 3, 2), dt.date(2026, 6, 1))
    response = login(team_lead).get(url("iteration_create", measure))
    assert response.context["form"]["number"].value() == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"number": "3"}, "number", "the next lap is number 2, not 3"),
        ({"number": "1"}, "number", "the next lap is number 2, not 1"),
        (
            {"period_start": "01.03.2026"},
            "period_start",
            "Lap 1 ends 31.03.2026: this lap must start after that.",
        ),
        (
            {"period_start": "31.03.2026"},
            "period_start",
            "Lap 1 ends 31.03.2026: this lap must start after that.",
        ),
        (
            {"period_start": "01.06.2026", "period_end": "01.05.2026"},
            "period_end",
            "The lap cannot end before it starts.",
        ),
        ({"period_end": "01.01.2028"}, "period_end", "more than a year from today"),
        ({"period_start": "01.01.1999"}, "period_start", "from 2000 on"),
        ({"developed": ""}, "developed", "Fill in this field."),
    ],
)
def test_a_lap_out_of_order_is_refused_with_a_message_and_nothing_is_saved(
    login, team_lead, measure, english, changes, field, message
):
    lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    data = {**LAP, "number": "2", "period_start": "01.04.2026", "period_end": "30.06.2026"}
    response = login(team_lead).post(url("iteration_create", measure), {**data, **changes})
    assert response.status_code == 200
    assert message in errors(response, field)
    assert PilotIteration.objects.filter(measure=measure).count() == 1
    assert "Nothing was saved" in response.content.decode()


def test_editing_a_lap_keeps_its_number_and_checks_both_neighbours(
    login, team_lead, measure, english
):
    lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    second = lap(measure, 2, dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    lap(measure, 3, dt.date(2026, 5, 1), dt.date(2026, 6, 30))
    client = login(team_lead)

    response = client.post(
        url("iteration_update", measure, second.pk),
        {**LAP, "number": "9", "period_start": "01.03.2026", "period_end": "15.05.2026"},
    )
    assert "Lap 3 starts 01.05.2026: this lap must end before that." in errors(
        response, "period_end"
    )

    response = client.post(
        url("iteration_update", measure, second.pk),
        {**LAP, "number": "9", "period_start": "01.03.2026", "period_end": "20.04.2026"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.number, second.period_end) == (2, dt.date(2026, 4, 20))


def test_the_form_never_offers_another_organisations_or_archived_units(
    measure, school, other_organization, english
):
    UnitFactory(organization=other_organization, name="Naboskolen")
    UnitFactory(organization=measure.organization, name="Nedlagt skole", is_archived=True)
    form = PilotIterationForm(measure=measure)
    assert [unit.name for unit in form.fields["piloted_where"].queryset] == ["Bakken skole"]


def test_a_unit_archived_after_the_lap_stays_on_it(login, team_lead, measure, school):
    saved = lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    saved.piloted_where.add(school)
    school.is_archived = True
    school.save()
    response = login(team_lead).post(
        url("iteration_update", measure, saved.pk),
        {
            **LAP,
            "period_start": "01.01.2026",
            "period_end": "28.02.2026",
            "piloted_where": [school.pk],
        },
    )
    assert response.status_code == 302
    assert list(saved.piloted_where.all()) == [school]


def test_posting_another_organisations_unit_is_refused(
    login, team_lead, measure, other_organization
):
    foreign = UnitFactory(organization=other_organization)
    response = login(team_lead).post(
        url("iteration_create", measure), {**LAP, "piloted_where": [foreign.pk]}
    )
    assert response.status_code == 200
    assert "piloted_where" in response.context["form"].errors
    assert not PilotIteration.objects.exists()


# --- attachments ----------------------------------------------------------------------------


def test_an_attachment_is_uploaded_and_members_download_it(login, team_lead, member, measure):
    saved = lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    response = login(team_lead).post(
        url("iteration_attachment_create", measure, saved.pk),
        {"title": "Evaluation report", "file": SimpleUploadedFile("Rapport runde 1.pdf", PDF)},
    )
    assert response.status_code == 302
    attachment = IterationAttachment.objects.get(iteration=saved)
    assert attachment.file.name.startswith(f"iterations/{measure.organization_id}/")

    response = login(member).get(url("iteration_attachment_file", measure, saved.pk, attachment.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "Files of this type (.exe) cannot be uploaded"),
        ("fake.pdf", b"not a pdf", "does not match its type"),
    ],
)
def test_a_forbidden_file_is_refused_and_nothing_is_saved(
    login, team_lead, measure, english, name, content, message
):
    saved = lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    response = login(team_lead).post(
        url("iteration_attachment_create", measure, saved.pk),
        {"title": "Report", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in errors(response, "file")
    assert not IterationAttachment.objects.exists()


def test_an_attachment_is_only_found_through_its_own_lap_and_measure(
    login, member, measure, other_measure
):
    first = lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    second = lap(measure, 2, dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    attachment = IterationAttachment(iteration=first, title="Rapport")
    attachment.file.save("rapport.pdf", ContentFile(PDF))
    client = login(member)
    assert (
        client.get(url("iteration_attachment_file", measure, second.pk, attachment.pk)).status_code
        == 404
    )
    assert (
        client.get(
            url("iteration_attachment_file", other_measure, first.pk, attachment.pk)
        ).status_code
        == 404
    )


# --- components -----------------------------------------------------------------------------

COMPONENT = {
    "kind": "routine",
    "name": "Routine for following up absence",
    "description": "The contact teacher calls home on the third day.",
    "described_on": "01.10.2026",
}


def test_a_component_is_described_and_marked_piloted_in_a_lap(login, team_lead, measure, english):
    saved = lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    client = login(team_lead)
    response = client.post(
        url("component_create", measure), {**COMPONENT, "described_by": team_lead.pk}
    )
    assert response.status_code == 302
    component = ServiceComponent.objects.get(measure=measure)
    assert component.is_described and not component.is_piloted

    response = client.post(
        url("component_update", measure, component.pk),
        {**COMPONENT, "described_by": team_lead.pk, "piloted_in": saved.pk},
        follow=True,
    )
    component.refresh_from_db()
    assert component.piloted_in == saved
    # Finding 3: one routine described and piloted is not a fully developed service.
    page = response.content.decode()
    assert "fully developed, as the exit rule" not in page
    assert "The service is not fully developed yet" in page
    for kind in ("Work process", "Role", "Responsibility"):
        assert f"{kind}: none registered yet." in page
    # One of each kind, all described and piloted: now it is.
    for kind in ("work_process", "role", "responsibility"):
        ServiceComponentFactory(
            measure=measure, kind=kind, described_on=dt.date(2026, 3, 1), piloted_in=saved
        )
    page = client.get(url("roundabout", measure)).content.decode()
    assert "All 4 components, at least one of each kind, are described and piloted" in page


@pytest.mark.parametrize("which", ["another measure's lap", "a lap that does not exist"])
def test_a_component_cannot_be_marked_piloted_in_a_lap_outside_the_measure(
    login, team_lead, measure, other_measure, english, which
):
    foreign = lap(other_measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    lap_id = foreign.pk if which == "another measure's lap" else foreign.pk + 1000
    component = ServiceComponentFactory(measure=measure)
    response = login(team_lead).post(
        url("component_update", measure, component.pk),
        {**COMPONENT, "described_by": team_lead.pk, "piloted_in": lap_id},
    )
    assert response.status_code == 200
    assert "That lap is not one of this measure's laps." in errors(response, "piloted_in")
    component.refresh_from_db()
    assert component.piloted_in is None
    assert component.described_on is None  # nothing of the form was saved


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**COMPONENT}, "described_by", "Say who described it."),
        (
            {**COMPONENT, "description": "", "described_by": "me"},
            "description",
            "Write the description, link to it or upload the document.",
        ),
        (
            {**COMPONENT, "described_on": "", "described_by": "me"},
            "described_on",
            "Give the date it was described.",
        ),
        (
            {**COMPONENT, "described_on": "02.11.2026", "described_by": "me"},
            "described_on",
            "The date cannot be in the future.",
        ),
        ({**COMPONENT, "kind": "project"}, "kind", "Choose one of the options"),
    ],
)
def test_a_half_described_component_is_refused(
    login, team_lead, measure, english, data, field, message
):
    if data.get("described_by") == "me":
        data = {**data, "described_by": team_lead.pk}
    response = login(team_lead).post(url("component_create", measure), data)
    assert response.status_code == 200
    assert message in errors(response, field)
    assert not ServiceComponent.objects.exists()


def test_a_draft_component_needs_no_date(login, team_lead, measure):
    response = login(team_lead).post(
        url("component_create", measure), {"kind": "role", "name": "Contact teacher"}
    )
    assert response.status_code == 302
    assert not ServiceComponent.objects.get().is_described


def test_the_component_form_offers_only_this_measures_laps_and_this_organisations_staff(
    measure, other_measure, team_lead, viewer, outsider
):
    stranger = UserFactory()  # a user with no membership anywhere
    own = lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    lap(other_measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    form = ServiceComponentForm(measure=measure)
    assert list(form.fields["piloted_in"].queryset) == [own]
    people = set(form.fields["described_by"].queryset)
    assert team_lead in people
    assert outsider not in people
    assert stranger not in people
    assert viewer not in people  # politicians read; they describe no routines


def test_someone_who_has_left_stays_the_describer_of_an_old_component(
    login, team_lead, measure, organization
):
    former = MembershipFactory(organization=organization, role=Role.MEMBER).user
    component = ServiceComponentFactory(
        measure=measure, described_on=dt.date(2026, 1, 1), described_by=former, description="x"
    )
    former.memberships.update(is_active=False)
    assert former in set(
        ServiceComponentForm(measure=measure, instance=component).fields["described_by"].queryset
    )
    assert former not in set(ServiceComponentForm(measure=measure).fields["described_by"].queryset)


def test_a_component_document_is_uploaded_replaced_and_downloaded(
    login, team_lead, member, measure, django_capture_on_commit_callbacks
):
    client = login(team_lead)
    client.post(
        url("component_create", measure),
        {
            **COMPONENT,
            "described_by": team_lead.pk,
            "description": "",
            "description_file": SimpleUploadedFile("rutine.pdf", PDF),
        },
    )
    component = ServiceComponent.objects.get()
    first_name = component.description_file.name
    assert first_name.startswith(f"components/{measure.organization_id}/")
    storage = component.description_file.storage

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("component_update", measure, component.pk),
            {
                **COMPONENT,
                "described_by": team_lead.pk,
                "description_file": SimpleUploadedFile("rutine-v2.pdf", PDF),
            },
        )
    assert response.status_code == 302
    component.refresh_from_db()
    assert "rutine-v2" in component.description_file.name
    assert not storage.exists(first_name)  # the replaced document is removed after commit

    response = login(member).get(url("component_file", measure, component.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_a_component_without_a_document_gives_404(login, member, measure):
    component = ServiceComponentFactory(measure=measure)
    assert login(member).get(url("component_file", measure, component.pk)).status_code == 404


# --- the readiness view ---------------------------------------------------------------------


def test_the_readiness_view_counts_by_kind(login, viewer, measure, english):
    saved = lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    described = {"described_on": dt.date(2026, 2, 1), "description": "x"}
    ServiceComponentFactory(measure=measure, kind="role", piloted_in=saved, **described)
    ServiceComponentFactory(measure=measure, kind="role", **described)
    ServiceComponentFactory(measure=measure, kind="routine", piloted_in=saved)
    response = login(viewer).get(url("roundabout", measure))
    readiness = response.context["readiness"]
    role = next(kind for kind in readiness.kinds if kind.kind == "role")
    assert (role.total, role.described, role.piloted, role.ready) == (2, 2, 1, 1)
    assert (readiness.total, readiness.ready) == (3, 1)
    page = response.content.decode()
    assert "1 of 3 components are both described and piloted." in page
    # Viewers read; they are offered no way to change anything.
    assert url("iteration_create", measure) not in page
    assert url("component_create", measure) not in page


def test_the_roundabout_page_offers_the_team_lead_to_log_laps(login, team_lead, measure):
    page = login(team_lead).get(url("roundabout", measure)).content.decode()
    assert url("iteration_create", measure) in page
    assert url("component_create", measure) in page


def _count_get(client, path):
    client.get(path)  # warm up: sessions, content types, default factors
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _add_rows(measure, units, count, start_number):
    for n in range(start_number, start_number + count):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=10 * n)
        saved = lap(measure, n, start, start + dt.timedelta(days=5), logged_by=measure.team_lead)
        saved.piloted_where.add(*units)
        attachment = IterationAttachment(iteration=saved, title=f"Rapport {n}")
        attachment.file.save(f"rapport-{n}.pdf", ContentFile(PDF))
        ServiceComponentFactory(
            measure=measure,
            kind=["work_process", "role", "responsibility", "routine"][n % 4],
            described_on=dt.date(2026, 1, 1),
            described_by=measure.team_lead,
            description="x",
            piloted_in=saved,
        )


def test_the_roundabout_and_lap_pages_run_the_same_queries_for_5_and_50_rows(
    login, team_lead, measure, organization
):
    units = [UnitFactory(organization=organization) for _ in range(3)]
    client = login(team_lead)
    _add_rows(measure, units, 5, 1)
    first = measure.iterations.get(number=1)
    paths = [url("roundabout", measure), url("iteration_detail", measure, first.pk)]
    few = [_count_get(client, path) for path in paths]
    _add_rows(measure, units, 45, 6)
    for component in measure.components.all():
        component.piloted_in = first
        component.save()
    many = [_count_get(client, path) for path in paths]
    assert few == many
    assert few[0] <= 12, few


def test_a_team_lead_who_does_not_lead_the_measure_only_reads(login, organization, other_measure):
    other_lead = MembershipFactory(organization=organization, role=Role.TEAM_LEAD).user
    client = login(other_lead)
    saved = lap(other_measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    assert client.get(url("roundabout", other_measure)).status_code == 200
    assert client.get(url("iteration_detail", other_measure, saved.pk)).status_code == 200
    assert client.post(url("iteration_create", other_measure), LAP).status_code == 403
    assert client.post(url("component_create", other_measure), COMPONENT).status_code == 403
    assert not other_measure.components.exists()


@pytest.mark.parametrize(
    "name",
    ["iteration_detail", "iteration_update", "iteration_attachment_create"],
)
def test_a_lap_of_another_measure_or_organisation_gives_404(
    login, coordinator, measure, other_measure, foreign_measure, name
):
    client = login(coordinator)
    for owner in (other_measure, foreign_measure):
        saved = lap(owner, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
        assert client.get(url(name, measure, saved.pk)).status_code == 404
        assert client.post(url(name, measure, saved.pk), LAP).status_code == 404


@pytest.mark.parametrize("name", ["component_update", "component_file"])
def test_a_component_of_another_measure_or_organisation_gives_404(
    login, coordinator, measure, other_measure, foreign_measure, name
):
    client = login(coordinator)
    for owner in (other_measure, foreign_measure):
        component = ServiceComponentFactory(measure=owner)
        assert client.get(url(name, measure, component.pk)).status_code == 404


def test_another_organisations_measure_gives_404(login, coordinator, foreign_measure):
    client = login(coordinator)
    for name in ("roundabout", "iteration_create", "component_create"):
        assert client.get(url(name, foreign_measure)).status_code == 404


# --- the measure page ---------------------------------------------------------------------


def _section(measure, user):
    request = RequestFactory().get("/")
    request.user = user
    request.organization = measure.organization
    return measure_section(request, measure)


def test_the_measure_page_shows_phase_three_from_phase_three_on(measure, team_lead):
    measure.phase = 2
    assert _section(measure, team_lead) is None
    measure.phase = 3
    lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    latest = lap(measure, 2, dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    with CaptureQueriesContext(connection) as queries:
        section = _section(measure, team_lead)
    assert section.context["latest_lap"] == latest
    assert section.context["readiness"].total == 0
    assert section.context["can_work"] is True
    # The latest lap with the corrections of its decision, the readiness (and the membership).
    assert len(queries) <= 4


def test_the_section_links_to_the_roundabout_and_offers_laps_only_to_workers(member, measure):
    html = render_to_string(
        "phases/roundabout/section.html",
        {"section": _section(measure, member).context, "organization": measure.organization},
    )
    assert url("roundabout", measure) in html
    assert url("iteration_create", measure) not in html


# --- the decision for the next lap -------------------------------------------------------------


def test_a_recorded_lap_decision_is_corrected_on_the_lap_page_never_in_its_form(
    login, team_lead, measure, english
):
    saved = lap(
        measure,
        1,
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 28),
        decision_next="Another lap in two more classes.",
    )
    client = login(team_lead)
    # The lap form keeps the recorded decision, whatever is posted.
    form = client.get(url("iteration_update", measure, saved.pk)).context["form"]
    assert form.fields["decision_next"].disabled
    client.post(
        url("iteration_update", measure, saved.pk),
        {**LAP, "period_start": "01.01.2026", "period_end": "28.02.2026", "decision_next": "Stop."},
    )
    saved.refresh_from_db()
    assert saved.decision_next == "Another lap in two more classes."

    path = url("lap_decision_correct", measure, saved.pk)
    response = client.post(path, {"decision_next": "Leave the roundabout."})
    assert "correction_reason" in response.context["form"].errors
    response = client.post(
        path,
        {
            "decision_next": "Leave the roundabout.",
            "correction_reason": "The team changed its mind.",
        },
    )
    assert response.status_code == 302
    correction = LapDecisionCorrection.objects.get()
    assert (correction.number, correction.recorded_by) == (2, team_lead)
    page = client.get(url("iteration_detail", measure, saved.pk)).content.decode()
    assert "Leave the roundabout." in page and "Another lap in two more classes." in page
    assert "The team changed its mind." in page
    overview = client.get(url("roundabout", measure)).content.decode()
    assert "Leave the roundabout." in overview


def test_a_lap_without_a_decision_has_nothing_to_correct(login, team_lead, measure):
    saved = lap(measure, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 28), decision_next="")
    response = login(team_lead).get(url("lap_decision_correct", measure, saved.pk))
    assert response.status_code == 404
