import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from organizations.models import Invitation, Membership, Organization, Partnership, Role, Unit, User

DEMO_ROLES = {
    ("admin@demo-kommune.no", "demo-kommune"): Role.ADMIN,
    ("koordinator@demo-kommune.no", "demo-kommune"): Role.COORDINATOR,
    ("teamleder@demo-kommune.no", "demo-kommune"): Role.TEAM_LEAD,
    ("medlem@demo-kommune.no", "demo-kommune"): Role.MEMBER,
    ("politiker@demo-kommune.no", "demo-kommune"): Role.VIEWER,
    ("koordinator@demo-herad.no", "demo-herad"): Role.COORDINATOR,
    ("koordinator@demo-fylke.no", "demo-fylke"): Role.COORDINATOR,
}


def _counts():
    return tuple(m.objects.count() for m in (Organization, Unit, User, Membership, Partnership))


def test_seed_demo_creates_the_demo_and_is_idempotent(db, client, password_login):
    call_command("seed_demo", password="demo-passord-1")
    first = _counts()
    call_command("seed_demo", password="demo-passord-2")
    assert _counts() == first

    standards = dict(Organization.objects.values_list("slug", "written_standard"))
    assert standards == {"demo-kommune": "nb", "demo-herad": "nn", "demo-fylke": "nb"}
    assert Organization.objects.get(slug="demo-fylke").kind == Organization.Kind.COUNTY
    for (email, slug), role in DEMO_ROLES.items():
        assert Membership.objects.get(user__email=email, organization__slug=slug).role == role
    assert password_login("politiker@demo-kommune.no", "demo-passord-2")
    for organization in Organization.objects.all():
        organization.full_clean()


def test_create_organization_invites_the_first_admin(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command(
            "create_organization",
            name="Bergen kommune",
            slug="bergen",
            number="4601",
            admin_email="admin@bergen.test",
        )
    invitation = Invitation.objects.get()
    assert (invitation.organization.slug, invitation.role) == ("bergen", Role.ADMIN)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_create_organization_refuses_a_bad_number(db):
    with pytest.raises(CommandError, match=r"fire sifre|four digits"):
        call_command("create_organization", name="X", slug="x", number="46", admin_email="a@x.test")
    assert not Organization.objects.exists()


def test_seed_demo_fills_every_phase_with_content(db):
    from measures.models import Evaluation, Measure, Measurement, Program

    call_command("seed_demo", password="demo-passord-1")
    counts = (Program.objects.count(), Measure.objects.count(), Measurement.objects.count())
    call_command("seed_demo", password="demo-passord-1")
    assert (Program.objects.count(), Measure.objects.count(), Measurement.objects.count()) == counts

    kommune = Measure.objects.filter(organization__slug="demo-kommune")
    assert kommune.count() == 8
    assert set(kommune.values_list("phase", flat=True)) == {1, 2, 3, 4}
    assert Program.objects.filter(organization__slug="demo-kommune").count() == 2
    assert Program.objects.filter(organization__slug="demo-herad").count() == 1
    # Demo herad's invitation to the county is still pending: not shared.
    shared = Program.objects.get(
        partnerships__partner__slug="demo-fylke", partnerships__is_active=True
    )
    assert shared.organization.slug == "demo-kommune"
    measure = kommune.get(name="Trygge friminutt")
    assert measure.goals.count() and measure.logic_elements.count() and measure.logic_links.count()
    assert Measurement.objects.filter(indicator__measure=measure).count() == 8
    assert Evaluation.objects.filter(measure=measure).count() == 3
    assert measure.next_evaluation_due == dt.date(2026, 12, 20)
    planning = kommune.get(name="Mobbeombud i ungdomsskolen")
    assert planning.next_evaluation_due == dt.date(2026, 6, 20), "one term missed: overdue"
    snapshot = Evaluation.objects.filter(measure=measure).order_by("period_end").first()
    assert snapshot.indicator_snapshot[0]["value"]
    for measure in Measure.objects.all():
        measure.full_clean()


def test_seed_demo_gives_the_measures_realistic_phase_histories(db):
    from measures.models import Lifecycle, Measure
    from phases.models import PhaseTransition, ServiceComponent
    from phases.readiness import readiness

    call_command("seed_demo", password="demo-passord-1")
    transitions = PhaseTransition.objects.count()
    call_command("seed_demo", password="demo-passord-1")
    assert PhaseTransition.objects.count() == transitions, "seeding twice adds no history"

    kommune = Measure.objects.filter(organization__slug="demo-kommune")
    third_lap = kommune.get(name="Felles språkløft i barnehagene")
    assert third_lap.phase == 3 and third_lap.iterations.count() == 3
    assert not readiness(third_lap).exit_rule_met
    assert ServiceComponent.objects.filter(measure=third_lap, piloted_in__isnull=True).exists()

    back = kommune.get(name="Trygge friminutt")
    moves = list(
        back.transitions.order_by("decided_at", "pk").values_list("from_phase", "to_phase")
    )
    assert moves == [(1, 2), (2, 3), (3, 4), (4, 3)]
    assert back.transitions.filter(to_phase=3, from_phase=4).get().reason

    decided = kommune.get(name="Inkluderende fritid")
    assert decided.phase == 4 and decided.lifecycle == Lifecycle.ORDINARY
    assert decided.stakeholder_inputs.count() == 3
    versions = list(decided.continuation_decisions.order_by("number"))
    assert [v.case_reference for v in versions] == ["2026/1234", "2026/1432"]
    assert versions[1].correction_reason, "the demo's correction says why"
    assert not PhaseTransition.objects.filter(overridden=True).exists(), "every gate was met"

    registered = kommune.get(name="Tverrfaglig stafettlogg")
    [registration] = registered.transitions.all()
    assert (registration.from_phase, registration.to_phase) == (1, registered.phase)
    assert registration.is_registration and registration.reason
    for measure in Measure.objects.exclude(pk=registered.pk):
        assert measure.transitions.count() >= measure.phase - 1


def test_plan_reminders_plans_now_and_twice_is_harmless(db):
    from notifications.models import Reminder

    call_command("seed_demo", password="demo-pass-123", stdout=StringIO())
    out = StringIO()
    call_command("plan_reminders", stdout=out)
    planned = Reminder.objects.count()
    assert planned > 0
    assert f"{planned} new" in out.getvalue()
    call_command("plan_reminders", stdout=out)
    assert Reminder.objects.count() == planned


def test_seed_demo_shares_the_county_programme_through_accepted_invitations(db):
    from measures.models import Program

    call_command("seed_demo", password="demo-passord-1")
    call_command("seed_demo", password="demo-passord-1")  # the same state on every run
    program = Program.objects.get(organization__slug="demo-fylke")
    shared = {p.partner.slug: p for p in program.partnerships.all()}
    assert set(shared) == {"demo-kommune", "demo-herad"}
    kommune, herad = shared["demo-kommune"], shared["demo-herad"]
    assert (kommune.access, herad.access) == ("read", "contribute")
    assert {kommune.status, herad.status} == {Partnership.Status.ACCEPTED}
    assert kommune.is_active and herad.is_active
    assert kommune.share_indicators and not kommune.share_plan
    assert not herad.share_all_measures and herad.chosen_measures.count() == 1
    pending = Partnership.objects.get(status=Partnership.Status.PENDING)
    assert (pending.grantor.slug, pending.partner.slug) == ("demo-herad", "demo-fylke")
    assert pending.programs.get().name == "Gode overgangar"
