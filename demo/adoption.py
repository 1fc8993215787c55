"""Demo: a measure that travels. Demo-kommune shares its first programme with demo-herad
(read access); demo-herad's coordinator has taken one of its measures into use, and
demo-kommune has published that measure as a template for its partners (docs/adoption.md)."""

from __future__ import annotations

from measures.models import Measure, Program
from measures.views.partners import measures_adoptable_by
from organizations.models import Organization, Partnership, User
from phases.adoption import measure_adopt


def seed_adoption(organizations: dict[str, Organization]) -> None:
    origin, adopter = organizations.get("demo-kommune"), organizations.get("demo-herad")
    if origin is None or adopter is None:
        return
    if Measure.objects.filter(organization=adopter, adopted_from__isnull=False).exists():
        return  # seeded before: the demo adopts once
    shared = Program.objects.filter(organization=origin).order_by("pk").first()
    target = Program.objects.filter(organization=adopter).order_by("pk").first()
    if shared is None or target is None:
        return
    partnership, _ = Partnership.objects.get_or_create(
        grantor=origin, partner=adopter, defaults={"access": Partnership.Access.READ}
    )
    shared.partnerships.add(partnership)
    # The measure furthest along with a plan: the one most worth taking over.
    source = (
        measures_adoptable_by(adopter)
        .filter(program=shared, implementation_plan__isnull=False)
        .order_by("-phase", "pk")
        .first()
    )
    if source is None:
        return
    source.is_template = True
    source.save(update_fields=["is_template", "updated_at"])
    coordinator = User.objects.get(email="koordinator@demo-herad.no")
    measure_adopt(source=source, program=target, user=coordinator)
