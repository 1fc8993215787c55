"""Partnerships made in the product (measures/partnerships.py, measures/views/partnerships.py)
and what a partner sees of a shared measure (measures/views/partners.py).

The matrix organisation ``organization`` (Testvik) is the county's partner in most tests;
the county grants. Roles inside each organisation come from the conftest fixtures (Testvik)
and ``_person`` (the county, a third organisation).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification
from organizations.models import Organization, Partnership, Role
from phases.models import ImplementationPlan, PlannedActivity
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    LearningMeetingFactory,
    LessonFactory,
    MeasureFactory,
    MeasurementFactory,
    MeasureSummaryFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    PhaseTransitionFactory,
    ProgramFactory,
    UserFactory,
)

ALL_ROLES = [Role.ADMIN, Role.COORDINATOR, Role.TEAM_LEAD, Role.MEMBER, Role.VIEWER]


def _person(organization, role):
    return MembershipFactory(organization=organization, role=role, user=UserFactory()).user


@pytest.fixture
def county(db):
    return OrganizationFactory(
        kind=Organization.Kind.COUNTY, number="46", name="Vestland fylke", slug="fylket"
    )


@pytest.fixture
def county_coordinator(county):
    return _person(county, Role.COORDINATOR)


@pytest.fixture
def county_admin(county):
    return _person(county, Role.ADMIN)


@pytest.fixture
def program(county):
    return ProgramFactory(organization=county, name="Regional satsing")


def _share(program, partner, **fields):
    fields.setdefault("access", Partnership.Access.READ)
    partnership = PartnershipFactory(grantor=program.organization, partner=partner, **fields)
    program.partnerships.add(partnership)
    return partnership


def _invitation(program, partner):
    return _share(program, partner, status=Partnership.Status.PENDING, is_active=False)


def _detail(organization, measure):
    return reverse("shared_measure_detail", args=[organization.slug, measure.pk])


# --- invitation, answer, end -----------------------------------------------------------------


def test_a_coordinator_invites_an_organisation_by_its_number(
    login, county, county_coordinator, county_admin, program, organization, admin_user, member
):
    response = login(county_coordinator).post(
        reverse("partnership_invite", args=[county.slug]),
        {
            "program": program.pk,
            "partner": organization.number,
            "access": "contribute",
            "message": "Bli med!",
        },
    )
    assert response.status_code == 302
    invitation = Partnership.objects.get()
    assert (invitation.grantor, invitation.partner) == (county, organization)
    assert invitation.status == Partnership.Status.PENDING
    assert not invitation.is_active
    assert invitation.invited_by == county_coordinator
    assert invitation.message == "Bli med!"
    assert list(invitation.programs.all()) == [program]
    # The partner's administrators are told; nobody else.
    assert [n.recipient for n in Notification.objects.all()] == [admin_user]
    assert Notification.objects.get().path == reverse("partnership_list", args=[organization.slug])
    # Until it is accepted the partner sees nothing.
    listing = login(member).get(reverse("shared_program_list", args=[organization.slug]))
    assert list(listing.context["programs"]) == []


def test_an_organisation_is_found_by_its_name_too(login, county, county_coordinator, program):
    neighbour = OrganizationFactory(name="Nabo kommune")
    login(county_coordinator).post(
        reverse("partnership_invite", args=[county.slug]),
        {"program": program.pk, "partner": "nabo KOMMUNE", "access": "read"},
    )
    assert Partnership.objects.get().partner == neighbour


@pytest.mark.parametrize(
    ("said", "error"),
    [("9999", "not_found"), ("46", "not_found"), ("Likt", "ambiguous")],
)
def test_an_unknown_an_ambiguous_or_the_own_organisation_is_refused(
    login, county, county_coordinator, program, said, error
):
    OrganizationFactory(name="Likt")
    OrganizationFactory(name="likt")
    response = login(county_coordinator).post(
        reverse("partnership_invite", args=[county.slug]),
        {"program": program.pk, "partner": said, "access": "read"},
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["partner"]] == [error]
    assert not Partnership.objects.exists()


def test_an_organisation_is_not_invited_twice_to_a_programme(
    login, county, county_coordinator, program, organization
):
    _invitation(program, organization)
    response = login(county_coordinator).post(
        reverse("partnership_invite", args=[county.slug]),
        {"program": program.pk, "partner": organization.number, "access": "read"},
    )
    errors = response.context["form"].errors.as_data()["__all__"]
    assert [e.code for e in errors] == ["exists"]
    assert Partnership.objects.count() == 1


def test_a_programme_of_another_organisation_cannot_be_offered(
    login, county, county_coordinator, organization, other_organization
):
    foreign = ProgramFactory(organization=other_organization)
    response = login(county_coordinator).post(
        reverse("partnership_invite", args=[county.slug]),
        {"program": foreign.pk, "partner": organization.number, "access": "read"},
    )
    assert "program" in response.context["form"].errors
    assert not Partnership.objects.exists()


def test_the_invited_administrator_accepts_and_the_grantor_is_told(
    login, county, county_admin, program, organization, admin_user, member
):
    invitation = _invitation(program, organization)
    response = login(admin_user).post(
        reverse("partnership_accept", args=[organization.slug, invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Partnership.Status.ACCEPTED
    assert invitation.is_active
    assert invitation.answered_by == admin_user
    assert [n.recipient for n in Notification.objects.filter(organization=county)] == [county_admin]
    # Accepting is in the audit trail: the history has the change, by whom.
    latest = invitation.history.first()
    assert (latest.status, latest.history_user) == ("accepted", admin_user)
    listing = login(member).get(reverse("shared_program_list", args=[organization.slug]))
    assert list(listing.context["programs"]) == [program]


def test_the_invited_administrator_declines(login, program, organization, admin_user, member):
    invitation = _invitation(program, organization)
    login(admin_user).post(reverse("partnership_decline", args=[organization.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert (invitation.status, invitation.is_active) == (Partnership.Status.DECLINED, False)
    listing = login(member).get(reverse("shared_program_list", args=[organization.slug]))
    assert list(listing.context["programs"]) == []


def test_an_invitation_is_answered_once(login, program, organization, admin_user):
    invitation = _invitation(program, organization)
    client = login(admin_user)
    client.post(reverse("partnership_decline", args=[organization.slug, invitation.pk]))
    client.post(reverse("partnership_accept", args=[organization.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == Partnership.Status.DECLINED


def test_a_coordinator_of_the_invited_organisation_sees_but_cannot_answer(
    login, program, organization, coordinator
):
    invitation = _invitation(program, organization)
    client = login(coordinator)
    page = client.get(reverse("partnership_list", args=[organization.slug]))
    assert page.context["received_invitations"] == [invitation]
    assert reverse("partnership_accept", args=[organization.slug, invitation.pk]) not in (
        page.content.decode()
    )
    response = client.post(reverse("partnership_accept", args=[organization.slug, invitation.pk]))
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == Partnership.Status.PENDING


def test_the_grantor_cannot_accept_its_own_invitation(
    login, county, county_admin, program, organization
):
    invitation = _invitation(program, organization)
    client = login(county_admin)
    for name in ("partnership_accept", "partnership_decline"):
        response = client.post(reverse(name, args=[county.slug, invitation.pk]))
        assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Partnership.Status.PENDING


def test_a_third_organisation_cannot_touch_the_partnership(
    login, program, organization, other_organization, outsider
):
    """Crafted POSTs through the third organisation's own address: its admin (``outsider``)
    reaches no partnership it is not a side of."""
    invitation = _invitation(program, organization)
    accepted = _share(program, OrganizationFactory())
    client = login(outsider)
    slug = other_organization.slug
    for name, target in [
        ("partnership_accept", invitation),
        ("partnership_decline", invitation),
        ("partnership_end", invitation),
        ("partnership_end", accepted),
        ("partnership_sharing", accepted),
    ]:
        assert client.post(reverse(name, args=[slug, target.pk])).status_code == 404, name
    assert client.get(reverse("partnership_sharing", args=[slug, accepted.pk])).status_code == 404
    invitation.refresh_from_db()
    accepted.refresh_from_db()
    assert invitation.status == Partnership.Status.PENDING
    assert accepted.status == Partnership.Status.ACCEPTED


def test_the_partner_cannot_choose_what_is_shared(login, program, organization, admin_user):
    partnership = _share(program, organization)
    url = reverse("partnership_sharing", args=[organization.slug, partnership.pk])
    client = login(admin_user)
    assert client.get(url).status_code == 404
    response = client.post(url, {"access": "contribute", "share_indicators": "on"})
    assert response.status_code == 404
    partnership.refresh_from_db()
    assert not partnership.share_indicators


@pytest.mark.parametrize("side", ["grantor", "partner"])
def test_either_side_ends_and_access_goes_at_once(
    login, side, county, county_coordinator, county_admin, program, organization, admin_user, member
):
    partnership = _share(program, organization)
    measure = MeasureFactory(program=program)
    partner_client = login(member)
    assert partner_client.get(_detail(organization, measure)).status_code == 200

    ender, slug = (
        (county_coordinator, county.slug) if side == "grantor" else (admin_user, organization.slug)
    )
    response = login(ender).post(reverse("partnership_end", args=[slug, partnership.pk]))
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.status, partnership.is_active) == (Partnership.Status.ENDED, False)
    assert partnership.ended_by == ender
    told = county_admin if side == "partner" else admin_user
    assert Notification.objects.get().recipient == told

    partner_client = login(member)
    assert partner_client.get(_detail(organization, measure)).status_code == 404
    assert (
        partner_client.get(
            reverse("shared_program_detail", args=[organization.slug, program.pk])
        ).status_code
        == 404
    )


def test_a_partner_coordinator_cannot_end(login, program, organization, coordinator):
    partnership = _share(program, organization)
    response = login(coordinator).post(
        reverse("partnership_end", args=[organization.slug, partnership.pk])
    )
    assert response.status_code == 403
    partnership.refresh_from_db()
    assert partnership.is_active


def test_the_page_lists_both_sides_and_what_each_partner_sees(
    login, county, county_coordinator, program, organization
):
    granted = _share(program, organization, share_indicators=True)
    sent = _invitation(program, OrganizationFactory(name="Ventevik"))
    other_county_program = ProgramFactory(organization=OrganizationFactory(name="Grannefylket"))
    received = _share(other_county_program, county)
    received_invitation = _invitation(
        ProgramFactory(organization=OrganizationFactory(name="Tredje")), county
    )
    page = login(county_coordinator).get(reverse("partnership_list", args=[county.slug]))
    context = page.context
    assert context["granted"] == [granted]
    assert context["sent_invitations"] == [sent]
    assert context["received"] == [received]
    assert context["received_invitations"] == [received_invitation]
    text = page.content.decode()
    with translation.override("nb"):  # the county's written standard
        assert translation.gettext("indicators with their values and attainment") in text
    assert "Ventevik" in text


# --- what is shared --------------------------------------------------------------------------


@pytest.fixture
def rich_measure(program, county):
    """A measure with something in every part, each with a distinctive text."""
    measure = MeasureFactory(
        program=program, phase=2, status="green", status_explanation="STATUSFORKLARING"
    )
    MeasureSummaryFactory(measure=measure, text="OPPSUMMERINGSTEKST")
    indicator = IndicatorFactory(goal=GoalFactory(measure=measure), name="Oppmøte")
    MeasurementFactory(indicator=indicator, value=Decimal("63.5"), date=dt.date(2026, 3, 1))
    PhaseTransitionFactory(measure=measure, reason="FASEVEDTAKSGRUNN")
    plan = ImplementationPlan.objects.create(measure=measure, to_develop="PLANTEKST")
    PlannedActivity.objects.create(plan=plan, what="PLANAKTIVITET", month=9)
    LearningMeetingFactory(measure=measure, title="MØTETITTEL")
    LessonFactory(organization=county, measure=measure, program=program, title="ERFARINGSTITTEL")
    return measure


PART_TEXTS = {
    "share_status": ["STATUSFORKLARING", "OPPSUMMERINGSTEKST", "traffic-light-green"],
    "share_indicators": ["63,5", "attainment-text"],
    "share_decisions": ["FASEVEDTAKSGRUNN"],
    "share_plan": ["PLANTEKST", "PLANAKTIVITET"],
    "share_learning": ["MØTETITTEL", "ERFARINGSTITTEL"],
}


@pytest.mark.parametrize("part", list(PART_TEXTS))
def test_a_part_is_shown_exactly_when_it_is_shared(
    login, part, program, organization, member, rich_measure
):
    flags = dict.fromkeys(Partnership.SHARED_PARTS, False)
    partnership = _share(program, organization, **flags)
    client = login(member)
    hidden = client.get(_detail(organization, rich_measure)).content.decode()
    for text in PART_TEXTS[part]:
        assert text not in hidden, (part, text)

    setattr(partnership, part, True)
    partnership.save()
    shown = client.get(_detail(organization, rich_measure)).content.decode()
    for text in PART_TEXTS[part]:
        assert text in shown, (part, text)
    # Only that part: the other parts' texts stay away.
    for other, texts in PART_TEXTS.items():
        if other != part:
            for text in texts:
                assert text not in shown, (part, other, text)


def test_the_shared_measure_has_no_links_into_the_owners_pages(
    login, program, organization, member, county, rich_measure
):
    flags = dict.fromkeys(Partnership.SHARED_PARTS, True)
    _share(program, organization, **flags)
    page = login(member).get(_detail(organization, rich_measure)).content.decode()
    assert f"/o/{county.slug}/" not in page


def test_the_owners_words_are_marked_with_the_owners_language(
    login, program, organization, member, county, rich_measure
):
    county.written_standard = "nn"
    county.save()
    _share(program, organization, share_plan=True)
    page = login(member).get(_detail(organization, rich_measure)).content.decode()
    assert '<span lang="nn">PLANAKTIVITET</span>' in page


def test_only_the_chosen_measures_are_shared(login, program, organization, member):
    chosen, other = MeasureFactory(program=program), MeasureFactory(program=program)
    partnership = _share(program, organization, share_all_measures=False)
    partnership.chosen_measures.add(chosen)
    client = login(member)
    listing = client.get(reverse("shared_program_detail", args=[organization.slug, program.pk]))
    assert listing.context["measures"] == [chosen]
    assert client.get(_detail(organization, chosen)).status_code == 200
    assert client.get(_detail(organization, other)).status_code == 404


def test_the_grantor_chooses_measures_and_parts(
    login, county, county_coordinator, program, organization
):
    chosen = MeasureFactory(program=program)
    MeasureFactory(program=program)
    partnership = _share(program, organization)
    response = login(county_coordinator).post(
        reverse("partnership_sharing", args=[county.slug, partnership.pk]),
        {"access": "contribute", "share_indicators": "on", "measures": [chosen.pk]},
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.access == "contribute"
    assert partnership.share_indicators and not partnership.share_status
    assert not partnership.share_all_measures
    assert list(partnership.chosen_measures.all()) == [chosen]
    # The audit trail's entry names the measures (a many-to-many has no history of its own).
    latest = partnership.history.first()
    assert latest.history_user == county_coordinator
    assert chosen.name in latest.history_change_reason


def test_a_measure_of_another_programme_cannot_be_chosen(
    login, county, county_coordinator, program, organization
):
    elsewhere = MeasureFactory(program=ProgramFactory(organization=county))
    partnership = _share(program, organization)
    response = login(county_coordinator).post(
        reverse("partnership_sharing", args=[county.slug, partnership.pk]),
        {"access": "read", "measures": [elsewhere.pk]},
    )
    assert response.status_code == 200
    assert "measures" in response.context["form"].errors


# --- who sees: each access, each role, a non-partner ----------------------------------------


@pytest.mark.parametrize("access", list(Partnership.Access.values))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_of_a_partner_reads_a_shared_measure(login, access, role, program, organization):
    _share(program, organization, access=access)
    measure = MeasureFactory(program=program)
    client = login(_person(organization, role))
    assert client.get(_detail(organization, measure)).status_code == 200
    comment = client.post(
        reverse("shared_measure_comment", args=[organization.slug, measure.pk]), {"text": "Hei"}
    )
    can_comment = access == "contribute" and role != Role.VIEWER
    expected = 302 if can_comment else (403 if access == "contribute" else 404)
    assert comment.status_code == expected


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_non_partner_organisation_sees_nothing(login, role, program, organization):
    _share(program, organization)
    measure = MeasureFactory(program=program)
    stranger = OrganizationFactory(name="Fremmed kommune")
    client = login(_person(stranger, role))
    for url in (
        _detail(stranger, measure),
        reverse("shared_program_detail", args=[stranger.slug, program.pk]),
        # And through the partner's address: not a member there.
        _detail(organization, measure),
    ):
        assert client.get(url).status_code == 404, url


# --- query counts ----------------------------------------------------------------------------


def _count(client, url):
    client.get(url)  # the first request of a session does its own bookkeeping
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_partnerships_page_runs_the_same_queries_for_2_and_10(
    login, county, county_coordinator, program
):
    client = login(county_coordinator)
    url = reverse("partnership_list", args=[county.slug])
    for _ in range(2):
        _share(program, OrganizationFactory(), share_all_measures=False).chosen_measures.add(
            MeasureFactory(program=program)
        )
    few = _count(client, url)
    for _ in range(8):
        _share(program, OrganizationFactory(), share_all_measures=False).chosen_measures.add(
            MeasureFactory(program=program)
        )
    _invitation(program, OrganizationFactory())
    assert _count(client, url) == few


def test_the_shared_measure_runs_the_same_queries_for_2_and_10_measures(
    login, program, organization, member
):
    flags = dict.fromkeys(Partnership.SHARED_PARTS, True)
    _share(program, organization, **flags)
    measure = MeasureFactory(program=program)
    MeasureFactory(program=program)
    client = login(member)
    few = _count(client, _detail(organization, measure))
    for _ in range(8):
        other = MeasureFactory(program=program)
        MeasurementFactory(indicator=IndicatorFactory(goal=GoalFactory(measure=other)))
    assert _count(client, _detail(organization, measure)) == few


def test_editing_the_programme_keeps_its_invitations(
    login, county, county_coordinator, program, organization
):
    invitation = _invitation(program, organization)
    response = login(county_coordinator).post(
        reverse("program_update", args=[county.slug, program.pk]),
        {"name": program.name, "status": "active", "start_date": "01.01.2026"},
    )
    assert response.status_code == 302
    assert list(program.partnerships.all()) == [invitation]
    page = login(county_coordinator).get(reverse("program_detail", args=[county.slug, program.pk]))
    assert page.context["partnerships"] == [], "an invitation shares nothing yet"


def test_a_continuation_decision_is_a_phase_decision(login, program, organization, member):
    from tests.factories import ContinuationDecisionFactory

    measure = MeasureFactory(program=program, phase=4)
    ContinuationDecisionFactory(measure=measure, decision_maker="FYLKESTINGET")
    partnership = _share(program, organization, share_decisions=False)
    client = login(member)
    hidden = client.get(_detail(organization, measure)).content.decode()
    assert "FYLKESTINGET" not in hidden
    # Nor "decision pending": the card says nothing about the decision at all.
    with translation.override("nb"):
        label = f'<dt class="col-sm-3">{translation.gettext("Continuation")}</dt>'
    assert label not in hidden
    partnership.share_decisions = True
    partnership.save()
    assert "FYLKESTINGET" in client.get(_detail(organization, measure)).content.decode()
