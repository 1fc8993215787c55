"""Partnerships as the product makes them: invitations, answers and what each partner sees.

Demo fylkeskommune's regional programme is shared with Demo kommune (read: summary, status
and the indicators' values) and Demo herad (contribute: everything about one chosen
measure), both through accepted invitations; Demo herad has invited the county to its own
programme, and that invitation waits for an answer. Runs after the measures are seeded and
sets the same state on every run.
"""

from __future__ import annotations

from django.utils import timezone

from measures.models import Program
from organizations.models import Organization, Partnership, User


def seed_partnerships(organizations: dict[str, Organization]) -> None:
    county, kommune, herad = (
        organizations["demo-fylke"],
        organizations["demo-kommune"],
        organizations["demo-herad"],
    )
    program = Program.objects.get(organization=county, name="Regional satsing: tidlig innsats")
    inviter = User.objects.get(email="koordinator@demo-fylke.no")
    answered_at = timezone.now()
    common = {
        "status": Partnership.Status.ACCEPTED,
        "is_active": True,
        "invited_by": inviter,
        "message": "Velkommen med i den regionale satsingen.",
        "description": "Regionalt program for tidlig innsats",
    }
    read, _created = Partnership.objects.update_or_create(
        grantor=county,
        partner=kommune,
        defaults={
            **common,
            "access": Partnership.Access.READ,
            "share_all_measures": True,
            "share_status": True,
            "share_indicators": True,
            "share_decisions": False,
            "share_plan": False,
            "share_learning": False,
        },
    )
    contribute, _created = Partnership.objects.update_or_create(
        grantor=county,
        partner=herad,
        defaults={
            **common,
            "access": Partnership.Access.CONTRIBUTE,
            "share_all_measures": False,
            **dict.fromkeys(Partnership.SHARED_PARTS, True),
        },
    )
    for partnership in (read, contribute):
        if partnership.answered_at is None:
            partnership.answered_at = answered_at
            partnership.save(update_fields=["answered_at", "updated_at"])
        program.partnerships.add(partnership)
    first = program.measures.order_by("name").first()
    contribute.chosen_measures.set([first] if first else [])

    # Waiting for the county's answer: Demo herad invites it to its transitions programme.
    herad_program = Program.objects.get(organization=herad, name="Gode overgangar")
    pending, _created = Partnership.objects.update_or_create(
        grantor=herad,
        partner=county,
        defaults={
            "access": Partnership.Access.READ,
            "status": Partnership.Status.PENDING,
            "is_active": False,
            "invited_by": User.objects.get(email="koordinator@demo-herad.no"),
            "message": "Vil fylket følgje overgangstiltaka våre?",
        },
    )
    herad_program.partnerships.add(pending)
