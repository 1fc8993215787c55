"""A team lead asks the coordinators to review the gate: recorded (history and timeline),
told in the product and by email through the reminders' machinery, once per gate while
pending, and only by the measure's team."""

from __future__ import annotations

import pytest
from django.urls import reverse

from measures.models import Phase
from notifications import dispatch
from notifications.models import Notification, Reminder
from organizations.models import Role
from phases.models import GateReviewRequest
from phases.services import measure_move_phase
from tests.factories import MeasureFactory, MembershipFactory, ProgramFactory, UserFactory


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization, name="Trygg oppvekst")


@pytest.fixture
def measure(program, team_lead):
    return MeasureFactory(program=program, team_lead=team_lead, name="Trygge friminutt")


def gate_url(measure):
    return reverse("phase_gate", args=[measure.organization.slug, measure.pk])


def request_url(measure):
    return reverse("gate_review_request", args=[measure.organization.slug, measure.pk])


def english(*users):
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def test_the_team_lead_and_coordinators_see_the_action_members_and_viewers_do_not(
    login, team_lead, coordinator, admin_user, member, viewer, measure
):
    english(team_lead, coordinator, member, viewer)
    for person in (team_lead, coordinator, admin_user):
        html = login(person).get(gate_url(measure)).content.decode()
        assert f'action="{request_url(measure)}"' in html, person
    for person in (member, viewer):
        html = login(person).get(gate_url(measure)).content.decode()
        assert f'action="{request_url(measure)}"' not in html, person
        assert login(person).post(request_url(measure), {"message": "Hei"}).status_code == 403
    assert not GateReviewRequest.objects.exists()


def test_the_request_is_recorded_and_tells_every_coordinator_in_the_product_and_by_email(
    login, team_lead, coordinator, measure, organization, mailoutbox
):
    english(coordinator)
    other = UserFactory(language="en")
    MembershipFactory(user=other, organization=organization, role=Role.COORDINATOR)
    response = login(team_lead).post(
        request_url(measure), {"message": "Vi har navngitt nøkkelpersonene nå."}
    )
    assert response.status_code == 302
    assert response["Location"] == gate_url(measure) + "#gate-review"
    request = GateReviewRequest.objects.get()
    assert (request.from_phase, request.to_phase, request.requested_by) == (1, 2, team_lead)
    assert request.message == "Vi har navngitt nøkkelpersonene nå."
    # On the audit trail: the history row, by the team lead.
    [history] = request.history.all()
    assert history.history_user == team_lead
    # In the product at once, linking to the gate page.
    notifications = Notification.objects.order_by("recipient_id")
    assert {n.recipient for n in notifications} == {coordinator, other}
    for notification in notifications:
        assert notification.path == gate_url(measure) + "#gate-review"
        assert notification.title == "Gate review requested: Trygge friminutt"
        assert str(team_lead) in notification.text
    # By email through the reminders' dispatcher, which makes no second notification.
    rows = Reminder.objects.filter(kind=Reminder.Kind.GATE_REVIEW)
    assert rows.count() == 2
    assert dispatch.dispatch() == 2
    assert Notification.objects.count() == 2
    assert set(rows.values_list("state", flat=True)) == {"sent"}
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [coordinator.email, other.email]
    )
    message = mailoutbox[0]
    assert "Gate review requested: Trygge friminutt" in message.subject
    assert "Vi har navngitt nøkkelpersonene nå." in message.body
    assert gate_url(measure) in message.body


def test_only_the_programme_s_coordinator_is_told_when_there_is_one(
    login, team_lead, coordinator, program, measure, organization
):
    other = UserFactory()
    MembershipFactory(user=other, organization=organization, role=Role.COORDINATOR)
    program.coordinator = other
    program.save()
    login(team_lead).post(request_url(measure), {"message": ""})
    assert [n.recipient for n in Notification.objects.all()] == [other]


def test_a_second_request_for_the_same_gate_is_refused_while_one_is_pending(
    login, team_lead, coordinator, measure
):
    english(team_lead)
    client = login(team_lead)
    client.post(request_url(measure), {"message": "Første"})
    response = client.post(request_url(measure), {"message": "Andre"}, follow=True)
    assert GateReviewRequest.objects.count() == 1
    assert Notification.objects.count() == 1
    html = response.content.decode()
    assert "A review of this gate was already requested by" in html
    # The gate page shows the pending request instead of the form.
    page = client.get(gate_url(measure)).content.decode()
    assert "asked the coordinators to review this gate" in page
    assert "Første" in page
    assert f'action="{request_url(measure)}"' not in page


def test_once_the_measure_has_moved_the_next_gate_may_be_asked_about(
    login, team_lead, coordinator, measure
):
    client = login(team_lead)
    client.post(request_url(measure), {"message": ""})
    measure_move_phase(
        measure=measure, to_phase=Phase.PLAN, user=coordinator, reason="Godt nok.", override=True
    )
    measure.refresh_from_db()
    client.post(request_url(measure), {"message": ""})
    assert list(GateReviewRequest.objects.order_by("pk").values_list("from_phase", "to_phase")) == [
        (1, 2),
        (2, 3),
    ]


def test_the_request_is_on_the_measure_s_timeline(login, team_lead, coordinator, measure):
    english(coordinator)
    login(team_lead).post(request_url(measure), {"message": "Se på faktorene"})
    html = login(coordinator).get(measure.get_absolute_url()).content.decode()
    assert "Review of the gate to II Plan requested" in html
    assert "Se på faktorene" in html


def test_a_too_long_message_shows_the_gate_page_with_the_error(login, team_lead, measure):
    english(team_lead)
    response = login(team_lead).post(request_url(measure), {"message": "x" * 4001})
    assert response.status_code == 200
    assert "review-message" in response.content.decode()
    assert "Ensure this value has at most 4000 characters" in response.content.decode()
    assert not GateReviewRequest.objects.exists()


def test_there_is_no_gate_to_review_in_the_last_phase(login, team_lead, coordinator, program):
    last = MeasureFactory(program=program, team_lead=team_lead, phase=Phase.CONTINUE)
    client = login(team_lead)
    assert f'action="{request_url(last)}"' not in client.get(gate_url(last)).content.decode()
    client.post(request_url(last), {"message": ""})
    assert not GateReviewRequest.objects.exists()
    assert not Notification.objects.exists()


def test_outsiders_get_404_and_the_action_takes_only_posts(login, outsider, team_lead, measure):
    assert login(outsider).post(request_url(measure), {}).status_code == 404
    assert login(team_lead).get(request_url(measure)).status_code == 405
    assert not GateReviewRequest.objects.exists()


def test_the_coordinator_finds_it_in_the_notifications_and_it_opens_the_gate_page(
    login, team_lead, coordinator, measure
):
    english(coordinator)
    login(team_lead).post(request_url(measure), {"message": ""})
    client = login(coordinator)
    html = client.get(reverse("notification_list")).content.decode()
    assert "Gate review requested: Trygge friminutt" in html
    notification = Notification.objects.get()
    opened = client.post(reverse("notification_open", args=[notification.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == gate_url(measure) + "#gate-review"


def test_the_request_is_on_the_audit_trail(login, team_lead, coordinator, measure, organization):
    from tests.audit.helpers import audit_page

    login(team_lead).post(request_url(measure), {"message": "Se på faktorene"})
    entries = audit_page(login(coordinator), organization, kind="phases.gatereviewrequest").context[
        "entries"
    ]
    [entry] = entries
    assert entry.url == gate_url(measure)
