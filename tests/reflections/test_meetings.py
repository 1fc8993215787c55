"""Planning learning meetings: the form's checks and defaults, who may plan what, the meeting
and action item lists, archiving, the measure page's section, and other organisations."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations.models import Role
from reflections.forms.meetings import MeetingForm
from reflections.meetings import DEFAULT_AGENDA, default_agenda, default_title, open_items_before
from reflections.models import ActionItem, LearningMeeting
from reflections.views.sections import measure_section
from tests.factories import (
    ActionItemFactory,
    LearningMeetingFactory,
    MeasureFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, 0), tick=False):
        yield


@pytest.fixture
def login(login):
    """Logs in with English as the person's language, so messages read in English."""

    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return login(user)

    return _login


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization, name="Oppvekst 2030")


@pytest.fixture
def measure(program, team_lead):
    return MeasureFactory(program=program, team_lead=team_lead, name="Leseløftet")


def url(name, organization, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def meeting_data(measure=None, participants=(), **changes):
    data = {
        "measure": measure.pk if measure else "",
        "program": "",
        "title": "Lærende møte om lesing",
        "date": "01.12.2026",
        "start_time": "09:00",
        "end_time": "10:30",
        "place": "Møterom 2",
        "participants": [person.pk for person in participants],
        "agenda": "1. Oppfølging\n2. Refleksjon",
    }
    data.update(changes)
    return data


# --- planning a meeting ----------------------------------------------------------------------


def test_a_team_lead_plans_a_meeting_on_a_measure_they_lead(login, team_lead, member, measure):
    client = login(team_lead)
    response = client.post(
        url("meeting_create", measure.organization),
        meeting_data(measure, participants=[team_lead, member]),
    )
    meeting = LearningMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.measure == measure
    assert meeting.program == measure.program
    assert meeting.organization == measure.organization
    assert meeting.created_by == team_lead
    assert meeting.state == LearningMeeting.State.PLANNED
    assert meeting.date == dt.date(2026, 12, 1)
    assert meeting.start_time == dt.time(9, 0)
    assert set(meeting.participants.all()) == {team_lead, member}


def test_a_meeting_needs_at_least_one_participant(login, team_lead, measure):
    response = login(team_lead).post(
        url("meeting_create", measure.organization), meeting_data(measure, participants=[])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["participants"] == [
        "A meeting needs at least one participant."
    ]
    assert not LearningMeeting.objects.exists()


@pytest.mark.parametrize("end", ["08:30", "09:00"])
def test_a_meeting_cannot_end_before_it_starts(login, team_lead, measure, end):
    response = login(team_lead).post(
        url("meeting_create", measure.organization),
        meeting_data(measure, participants=[team_lead], end_time=end),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_time"] == ["The meeting must end after it starts."]
    assert not LearningMeeting.objects.exists()


def test_a_meeting_needs_a_title_and_a_date(login, team_lead, measure):
    response = login(team_lead).post(
        url("meeting_create", measure.organization),
        meeting_data(measure, participants=[team_lead], title="", date="31.02.2026"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "date"}
    assert not LearningMeeting.objects.exists()


def test_a_team_lead_is_offered_only_the_measures_they_lead(
    login, organization, team_lead, coordinator, program, measure
):
    other = MeasureFactory(program=program, team_lead=coordinator)
    MeasureFactory(program=program, team_lead=team_lead, is_archived=True)
    response = login(team_lead).get(url("meeting_create", organization))
    form = response.context["form"]
    assert list(form.fields["measure"].queryset) == [measure]
    assert "program" not in form.fields  # programme meetings are for planners
    assert other.pk not in [choice.pk for choice in form.fields["measure"].queryset]


def test_a_forged_post_for_a_measure_the_team_lead_does_not_lead_is_refused(
    login, organization, team_lead, coordinator, program, measure
):
    other = MeasureFactory(program=program, team_lead=coordinator)
    response = login(team_lead).post(
        url("meeting_create", organization), meeting_data(other, participants=[team_lead])
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["measure"] == ["Choose one of the measures you lead."]
    assert "__all__" not in form.errors  # said once, on the field
    assert not LearningMeeting.objects.exists()


def test_a_team_lead_without_measures_sees_why_there_is_nothing_to_choose(
    login, organization, team_lead
):
    response = login(team_lead).get(url("meeting_create", organization))
    assert response.status_code == 200
    assert response.context["no_measures"] is True


def test_a_team_lead_must_choose_a_measure(login, organization, team_lead, program, measure):
    response = login(team_lead).post(
        url("meeting_create", organization),
        meeting_data(None, participants=[team_lead], program=program.pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["measure"] == [
        "Choose the measure the meeting is about."
    ]
    assert "__all__" not in response.context["form"].errors
    assert not LearningMeeting.objects.exists()


def test_a_planner_plans_a_meeting_of_a_whole_programme(login, organization, coordinator, program):
    response = login(coordinator).post(
        url("meeting_create", organization),
        meeting_data(None, participants=[coordinator], program=program.pk),
    )
    assert response.status_code == 302
    meeting = LearningMeeting.objects.get()
    assert meeting.measure is None
    assert meeting.program == program


def test_a_planner_must_choose_a_measure_or_a_programme(login, organization, coordinator):
    response = login(coordinator).post(
        url("meeting_create", organization), meeting_data(None, participants=[coordinator])
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["measure"] == [
        "Choose the measure the meeting is about, or a programme for a meeting of the whole "
        "programme."
    ]
    assert "__all__" not in errors
    assert not LearningMeeting.objects.exists()


def test_a_measure_and_another_programme_do_not_go_together(
    login, organization, coordinator, measure
):
    other = ProgramFactory(organization=organization)
    response = login(coordinator).post(
        url("meeting_create", organization),
        meeting_data(measure, participants=[coordinator], program=other.pk),
    )
    assert response.status_code == 200
    assert "program" in response.context["form"].errors
    assert not LearningMeeting.objects.exists()


def test_participants_are_active_members_with_their_role(
    organization, other_organization, coordinator, team_lead, member
):
    gone = MembershipFactory(organization=organization, is_active=False).user
    stranger = MembershipFactory(organization=other_organization).user
    form = MeetingForm(organization=organization, user=coordinator, planner=True)
    people = list(form.fields["participants"].queryset)
    assert set(people) == {coordinator, team_lead, member}
    assert gone not in people and stranger not in people
    with translation.override("en"):
        labels = {label for _value, label in form.fields["participants"].choices}
    assert f"{team_lead} (Team lead)" in labels


def test_a_participant_who_left_stays_on_the_meeting_when_it_is_corrected(
    login, organization, coordinator, team_lead, measure
):
    former = MembershipFactory(organization=organization, role=Role.MEMBER).user
    meeting = LearningMeetingFactory(measure=measure, participants=[team_lead, former])
    former.memberships.update(is_active=False)
    form = MeetingForm(instance=meeting, organization=organization, user=coordinator, planner=True)
    assert former in form.fields["participants"].queryset
    with translation.override("en"):
        labels = {label for _value, label in form.fields["participants"].choices}
    assert f"{former} (no longer a member)" in labels


def test_participants_from_another_organisation_are_refused(
    login, organization, team_lead, measure, outsider
):
    response = login(team_lead).post(
        url("meeting_create", organization), meeting_data(measure, participants=[outsider])
    )
    assert response.status_code == 200
    assert "participants" in response.context["form"].errors
    assert not LearningMeeting.objects.exists()


def test_nothing_is_half_saved_when_the_participants_cannot_be_saved(
    login, organization, team_lead, measure, monkeypatch, client
):
    def fail(self):
        raise RuntimeError("the participants could not be saved")

    monkeypatch.setattr(MeetingForm, "_save_m2m", fail)
    client = login(team_lead)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(
            url("meeting_create", organization), meeting_data(measure, participants=[team_lead])
        )
    assert not LearningMeeting.objects.exists()


# --- what a new meeting starts with ----------------------------------------------------------


def test_a_new_meeting_for_a_measure_is_prefilled(
    login, organization, team_lead, member, viewer, measure
):
    outsider_contributor = UserFactory()
    measure.contributors.set([member, viewer, outsider_contributor])
    response = login(team_lead).get(
        url("meeting_create", organization) + f"?measure={measure.pk}&date=2027-01-14"
    )
    initial = response.context["form"].initial
    assert initial["measure"] == measure.pk
    assert initial["date"] == dt.date(2027, 1, 14)
    with translation.override(organization.written_standard):
        assert initial["title"] == default_title(organization, measure)
    assert measure.name in initial["title"]
    assert set(initial["participants"]) == {team_lead.pk, member.pk, viewer.pk}
    assert initial["agenda"] == DEFAULT_AGENDA["nb"]
    assert "notes" not in response.context["form"].fields  # written when the meeting is held


def test_without_a_query_a_new_meeting_is_today_with_the_default_agenda(
    login, organization, coordinator
):
    organization.written_standard = "nn"
    organization.save(update_fields=["written_standard"])
    response = login(coordinator).get(url("meeting_create", organization) + "?date=not-a-date")
    initial = response.context["form"].initial
    assert initial["date"] == TODAY
    assert initial["agenda"] == DEFAULT_AGENDA["nn"] == default_agenda(organization)
    assert "measure" not in initial and "title" not in initial


def test_the_query_cannot_prefill_a_measure_that_is_not_a_choice(
    login, organization, other_organization, team_lead, coordinator, program
):
    not_led = MeasureFactory(program=program, team_lead=coordinator)
    elsewhere = MeasureFactory(program=ProgramFactory(organization=other_organization))
    client = login(team_lead)
    for measure in (not_led, elsewhere):
        response = client.get(url("meeting_create", organization) + f"?measure={measure.pk}")
        assert "measure" not in response.context["form"].initial


def test_a_planner_may_start_from_a_programme(login, organization, coordinator, program):
    response = login(coordinator).get(
        url("meeting_create", organization) + f"?program={program.pk}"
    )
    initial = response.context["form"].initial
    assert initial["program"] == program.pk
    assert program.name in initial["title"]


# --- correcting and archiving ----------------------------------------------------------------


def test_a_closed_meeting_can_still_be_corrected(login, organization, team_lead, member, measure):
    meeting = LearningMeetingFactory(
        measure=measure, participants=[team_lead], state=LearningMeeting.State.CLOSED
    )
    client = login(team_lead)
    edit = url("meeting_update", organization, pk=meeting.pk)
    assert "notes" in client.get(edit).context["form"].fields
    response = client.post(
        edit,
        meeting_data(
            measure, participants=[team_lead, member], date="16.10.2026", notes="Godt møte."
        ),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.date == dt.date(2026, 10, 16)
    assert meeting.notes == "Godt møte."
    assert meeting.state == LearningMeeting.State.CLOSED
    assert set(meeting.participants.all()) == {team_lead, member}


def test_a_failed_correction_changes_nothing(login, organization, team_lead, measure):
    meeting = LearningMeetingFactory(measure=measure, participants=[team_lead], title="Før")
    response = login(team_lead).post(
        url("meeting_update", organization, pk=meeting.pk),
        meeting_data(measure, participants=[], title="Etter"),
    )
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.title == "Før"
    assert list(meeting.participants.all()) == [team_lead]


def test_a_team_lead_cannot_correct_a_meeting_of_another_measure(
    login, organization, team_lead, coordinator, program
):
    meeting = LearningMeetingFactory(measure=MeasureFactory(program=program, team_lead=coordinator))
    client = login(team_lead)
    assert client.get(url("meeting_update", organization, pk=meeting.pk)).status_code == 403
    assert client.post(url("meeting_archive", organization, pk=meeting.pk)).status_code == 403


def test_archive_and_restore(login, organization, team_lead, measure):
    meeting = LearningMeetingFactory(measure=measure, participants=[team_lead])
    client = login(team_lead)
    response = client.post(url("meeting_archive", organization, pk=meeting.pk))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_archived
    listed = client.get(url("meeting_list", organization))
    assert meeting not in listed.context["upcoming"] + list(listed.context["past_meetings"])
    shown = client.get(url("meeting_list", organization) + "?archived=on")
    assert meeting in shown.context["upcoming"] + list(shown.context["past_meetings"])
    client.post(url("meeting_restore", organization, pk=meeting.pk))
    meeting.refresh_from_db()
    assert not meeting.is_archived


# --- the meeting list ------------------------------------------------------------------------


def test_the_list_shows_coming_and_past_meetings_with_their_open_items(
    login, organization, viewer, measure
):
    coming = LearningMeetingFactory(measure=measure, date=dt.date(2026, 12, 3))
    sooner = LearningMeetingFactory(measure=measure, date=TODAY)
    past = LearningMeetingFactory(measure=measure, date=dt.date(2026, 10, 1))
    older = LearningMeetingFactory(measure=measure, date=dt.date(2026, 9, 1))
    ActionItemFactory.create_batch(2, meeting=past)
    ActionItemFactory(meeting=past, status=ActionItem.Status.DONE)
    response = login(viewer).get(url("meeting_list", organization))
    assert response.status_code == 200
    assert response.context["upcoming"] == [sooner, coming]
    assert list(response.context["past_meetings"]) == [past, older]
    assert response.context["past_meetings"][0].open_items == 2
    assert response.context["can_add"] is False


def test_the_list_filters_by_programme_measure_and_state(
    login, organization, member, program, measure
):
    other_program = ProgramFactory(organization=organization)
    other_measure = MeasureFactory(program=other_program)
    on_measure = LearningMeetingFactory(measure=measure)
    closed = LearningMeetingFactory(measure=measure, state=LearningMeeting.State.CLOSED)
    on_other = LearningMeetingFactory(measure=other_measure)
    programme_meeting = LearningMeetingFactory(
        measure=None, program=program, organization=organization
    )
    client = login(member)

    def found(query):
        response = client.get(url("meeting_list", organization) + query)
        return set(response.context["upcoming"]) | set(response.context["past_meetings"])

    assert found("") == {on_measure, closed, on_other, programme_meeting}
    assert found(f"?program={program.pk}") == {on_measure, closed, programme_meeting}
    assert found(f"?measure={measure.pk}") == {on_measure, closed}
    assert found("?state=closed") == {closed}
    assert found(f"?measure={other_measure.pk}&state=planned") == {on_other}


def add_meetings(measure, count):
    for n in range(count):
        day = TODAY + dt.timedelta(days=n - count // 2)
        meeting = LearningMeetingFactory(measure=measure, date=day)
        ActionItemFactory(meeting=meeting)


def test_the_list_runs_the_same_queries_for_5_and_50_meetings(
    login, organization, member, measure, django_assert_num_queries
):
    add_meetings(measure, 5)
    client = login(member)
    address = url("meeting_list", organization)
    client.get(address)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    count = len(few)
    add_meetings(measure, 45)
    with django_assert_num_queries(count):
        response = client.get(address)
    shown = len(response.context["upcoming"]) + response.context["paginator"].count
    assert shown == 50


# --- action items ----------------------------------------------------------------------------


@pytest.fixture
def items(organization, other_organization, team_lead, member, measure, program):
    meeting = LearningMeetingFactory(measure=measure, date=dt.date(2026, 10, 1))
    other_measure = MeasureFactory(program=program)
    elsewhere = LearningMeetingFactory(
        measure=MeasureFactory(program=ProgramFactory(organization=other_organization))
    )
    return {
        "mine_overdue": ActionItemFactory(
            meeting=meeting, owner=member, due_date=dt.date(2026, 11, 1)
        ),
        "mine_coming": ActionItemFactory(
            meeting=meeting, owner=member, due_date=dt.date(2026, 12, 1)
        ),
        "theirs": ActionItemFactory(
            meeting=LearningMeetingFactory(measure=other_measure),
            owner=team_lead,
            due_date=dt.date(2026, 12, 5),
        ),
        "done": ActionItemFactory(
            meeting=meeting,
            owner=member,
            status=ActionItem.Status.DONE,
            due_date=dt.date(2026, 10, 20),
        ),
        "dropped": ActionItemFactory(
            meeting=meeting, owner=team_lead, status=ActionItem.Status.DROPPED
        ),
        "archived": ActionItemFactory(
            meeting=LearningMeetingFactory(measure=measure, is_archived=True), owner=member
        ),
        "elsewhere": ActionItemFactory(meeting=elsewhere, owner=member),
        "other_measure": other_measure,
    }


def listed(client, organization, query=""):
    response = client.get(url("action_item_list", organization) + query)
    assert response.status_code == 200
    return list(response.context["items"])


def test_the_action_item_list_shows_the_open_items_by_default(login, organization, viewer, items):
    assert listed(login(viewer), organization) == [
        items["mine_overdue"],
        items["mine_coming"],
        items["theirs"],
    ]


def test_the_action_item_list_filters(login, organization, member, items):
    client = login(member)
    assert listed(client, organization, "?status=done") == [items["done"]]
    assert listed(client, organization, "?status=dropped") == [items["dropped"]]
    assert set(listed(client, organization, "?status=all")) == {
        items[key] for key in ("mine_overdue", "mine_coming", "theirs", "done", "dropped")
    }
    assert listed(client, organization, "?mine=on") == [items["mine_overdue"], items["mine_coming"]]
    assert listed(client, organization, "?overdue=on") == [items["mine_overdue"]]
    assert listed(client, organization, "?overdue=on&status=all") == [items["mine_overdue"]]
    assert listed(client, organization, f"?measure={items['other_measure'].pk}") == [
        items["theirs"]
    ]


def test_each_action_item_links_to_its_place_on_its_meeting(login, organization, member, items):
    item = items["mine_overdue"]
    response = login(member).get(url("action_item_list", organization))
    assert f'href="{item.meeting.get_absolute_url()}#action-{item.pk}"' in response.content.decode()


def test_owners_tick_their_items_off_from_the_list_and_viewers_cannot(
    login, organization, member, viewer, items
):
    address = url("action_item_list", organization)
    mine = items["mine_coming"]
    response = login(viewer).get(address)
    assert response.context["updatable"] == set()
    client = login(member)
    response = client.get(address)
    assert mine.pk in response.context["updatable"]
    assert items["theirs"].pk not in response.context["updatable"]  # not theirs, not in it
    status_url = reverse("action_item_status", args=[organization.slug, mine.pk])
    assert f'action="{status_url}"' in response.content.decode()
    response = client.post(status_url, {"status": "done", "next": address})
    assert response.status_code == 302 and response["Location"] == address
    mine.refresh_from_db()
    assert mine.status == ActionItem.Status.DONE and mine.completed_at is not None


def test_the_action_item_list_runs_the_same_queries_for_5_and_50_items(
    login, organization, member, measure, django_assert_num_queries
):
    def add_items(count):
        for _n in range(count):
            ActionItemFactory(meeting=LearningMeetingFactory(measure=measure), owner=UserFactory())

    add_items(5)
    client = login(member)
    address = url("action_item_list", organization)
    client.get(address)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    count = len(few)
    add_items(45)
    with django_assert_num_queries(count):
        response = client.get(address)
    assert response.context["paginator"].count == 50


# --- the measure page ------------------------------------------------------------------------


def section_of(response):
    (section,) = [s for s in response.context["sections"] if s.template.startswith("reflections/")]
    return section


def test_the_measure_page_shows_the_next_and_the_latest_meetings(
    login, organization, member, measure
):
    next_one = LearningMeetingFactory(measure=measure, date=dt.date(2026, 12, 1))
    LearningMeetingFactory(measure=measure, date=dt.date(2027, 1, 1))
    LearningMeetingFactory(measure=measure, date=dt.date(2026, 11, 25), is_archived=True)
    past = [
        LearningMeetingFactory(measure=measure, date=dt.date(2026, month, 1))
        for month in (6, 7, 8, 9)
    ]
    ActionItemFactory(meeting=past[-1])
    ActionItemFactory(meeting=past[0])
    ActionItemFactory(meeting=past[0], status=ActionItem.Status.DONE)
    response = login(member).get(measure.get_absolute_url())
    section = section_of(response)
    assert section.context["next_meeting"] == next_one
    assert section.context["recent"] == past[::-1][:3]
    assert section.context["recent"][0].open_items == 1
    assert section.context["open_items"] == 2
    assert section.context["add_url"] == ""  # members do not plan meetings
    assert section.context["reflection_url"] == reverse(
        "measure_reflection", kwargs={"org_slug": organization.slug, "measure_pk": measure.pk}
    )
    content = response.content.decode()
    assert 'id="learning-meetings"' in content
    assert section.context["list_url"].replace("&", "&amp;") in content


@pytest.mark.parametrize(
    ("role", "may_add"),
    [("coordinator", True), ("admin_user", True), ("team_lead", True), ("member", False)],
)
def test_the_section_offers_to_plan_a_meeting_to_those_who_may(
    request, rf, organization, measure, role, may_add
):
    user = request.getfixturevalue(role)
    http = rf.get("/")
    http.user = user
    http.organization = organization
    add_url = measure_section(http, measure).context["add_url"]
    assert bool(add_url) is may_add
    if may_add:
        assert add_url == url("meeting_create", organization) + f"?measure={measure.pk}"


def test_a_team_lead_is_not_offered_to_plan_for_a_measure_they_do_not_lead(
    rf, organization, team_lead, program
):
    other = MeasureFactory(program=program)
    http = rf.get("/")
    http.user = team_lead
    assert measure_section(http, other).context["add_url"] == ""


def test_the_section_runs_three_queries(rf, member, measure, django_assert_num_queries):
    for day in (1, 2, 3, 4, 5):
        ActionItemFactory(
            meeting=LearningMeetingFactory(measure=measure, date=dt.date(2026, 9, day))
        )
    LearningMeetingFactory(measure=measure, date=dt.date(2026, 12, 1))
    http = rf.get("/")
    http.user = member
    member.has_perm("reflections.view_reflections", measure)  # the membership, as in a request
    with django_assert_num_queries(3):
        section = measure_section(http, measure)
    assert section.context["open_items"] == 5


def test_the_measure_page_runs_the_same_queries_for_few_and_many_meetings(
    login, team_lead, measure, django_assert_num_queries
):
    add_meetings(measure, 2)
    client = login(team_lead)
    client.get(measure.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(measure.get_absolute_url())
    count = len(few)
    add_meetings(measure, 20)
    with django_assert_num_queries(count):
        client.get(measure.get_absolute_url())


# --- the next meeting opens with the open items of the last ------------------------------------


def test_open_items_before_are_those_earlier_meetings_left_open(measure, program):
    first = LearningMeetingFactory(measure=measure, date=dt.date(2026, 9, 1))
    second = LearningMeetingFactory(measure=measure, date=dt.date(2026, 10, 1))
    later = LearningMeetingFactory(measure=measure, date=dt.date(2026, 11, 1))
    archived = LearningMeetingFactory(measure=measure, date=dt.date(2026, 9, 15), is_archived=True)
    open_first = ActionItemFactory(meeting=first, due_date=dt.date(2026, 10, 20))
    ActionItemFactory(meeting=first, status=ActionItem.Status.DONE)
    open_second = ActionItemFactory(meeting=second, due_date=dt.date(2026, 10, 10))
    ActionItemFactory(meeting=archived)
    ActionItemFactory(meeting=later)
    ActionItemFactory(meeting=LearningMeetingFactory(measure=MeasureFactory(program=program)))
    assert list(open_items_before(later)) == [open_second, open_first]
    assert list(open_items_before(first)) == []


# --- other organisations ---------------------------------------------------------------------


def test_another_organisations_meetings_are_not_found(
    login, organization, other_organization, coordinator
):
    elsewhere = LearningMeetingFactory(
        measure=MeasureFactory(program=ProgramFactory(organization=other_organization))
    )
    ActionItemFactory(meeting=elsewhere)
    client = login(coordinator)
    for name in ("meeting_update", "meeting_archive", "meeting_restore"):
        method = client.get if name == "meeting_update" else client.post
        assert method(url(name, organization, pk=elsewhere.pk)).status_code == 404
    listed_meetings = client.get(url("meeting_list", organization))
    assert elsewhere not in listed_meetings.context["upcoming"]
    assert not list(client.get(url("action_item_list", organization)).context["items"])
    elsewhere.refresh_from_db()
    assert not elsewhere.is_archived


def test_a_filter_on_another_organisations_measure_shows_nothing_of_it(
    login, organization, other_organization, coordinator, measure
):
    foreign = MeasureFactory(program=ProgramFactory(organization=other_organization))
    LearningMeetingFactory(measure=foreign)
    response = login(coordinator).get(url("meeting_list", organization) + f"?measure={foreign.pk}")
    assert "measure" in response.context["filter_form"].errors
    assert not response.context["upcoming"]


def test_a_planner_cannot_plan_on_another_organisations_measure(
    login, organization, other_organization, coordinator
):
    foreign = MeasureFactory(program=ProgramFactory(organization=other_organization))
    response = login(coordinator).post(
        url("meeting_create", organization), meeting_data(foreign, participants=[coordinator])
    )
    assert response.status_code == 200
    assert "measure" in response.context["form"].errors
    assert not LearningMeeting.objects.exists()
