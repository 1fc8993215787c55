"""Demo status reports: a plain-language summary for every demo measure, and in Demo kommune two
four-month reports a term apart, both published, so the comparison has something to show.

The two reports stand for what the municipality published in May and September: their content
is built as of each period's end (the measurements differ) and the earlier one records where
two measures stood then (one was still in phase III, one had gone on to phase IV and came back
later). The rows are made directly, with their publication dates in the past, since publishing
today through reports/publishing.py would date them today.

Safe to run again: summaries are kept per measure, reports found by title, and a report that
already has a version is left as it is (published reports never change).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from measures.models import Measure, TrafficLight
from organizations.models import Organization, User
from reports.content import report_content, totals
from reports.models import MeasureSummary, PublishedReport, Report, ReportComment

SUMMARIES = {
    "Trygge friminutt": "Flere voksne er ute i friminuttene, og færre elever sier at de er "
    "alene. Tiltaket ble tatt tilbake til utprøving i høst for å få med alle skolene.",
    "Mobbeombud i ungdomsskolen": "Planen er nesten klar, men vi mangler fortsatt ombud på én "
    "skole. Derfor gult lys.",
    "Inkluderende fritid": "Fritidskortet er blitt en fast ordning. Over 70 prosent av barna "
    "deltar nå i minst én fritidsaktivitet.",
    "Felles språkløft i barnehagene": "Kartleggingen viser mindre fremgang enn ventet. Teamet "
    "endrer veiledningen før neste runde, og vi følger tiltaket tett.",
    "Foreldreveiledning ICDP": "Gruppene er fulle, og foreldrene gir gode tilbakemeldinger. "
    "Flere veiledere læres opp i vinter.",
    "Tverrfaglig stafettlogg": "Tjenestene er enige om én felles plan. Opplæringen starter "
    "etter nyttår.",
    "Leseglede på småtrinnet": "Vi samler kunnskap om hva som virker, før vi bestemmer oss for "
    "tiltak.",
    "Helsesykepleier på ungdomsskolen hver dag": "Vi utreder hva det vil koste. Gult lys fordi "
    "finansieringen ikke er avklart.",
    "Overgangsplan barnehage–skule": "Alle fem-åringane har hatt overføringssamtale. Planen blir "
    "no prøvd ut i to nye krinsar.",
    "Fadderordning på ungdomssteget": "Skulen har laga ein plan for fadderordninga, og elevane "
    "på 9. trinn er med og planlegg.",
}

REPORTS: list[dict[str, Any]] = [
    {
        "title": "Tertialrapport 1. tertial 2026",
        "period": (dt.date(2026, 1, 1), dt.date(2026, 4, 30)),
        "published_at": dt.datetime(2026, 5, 12, 10, 0),
        "introduction": "Første tertialrapport for tiltakene for barn og unge i 2026. Den viser "
        "fase, status og måloppnåelse for hvert tiltak per 30. april.",
        "comments": {
            "Felles språkløft i barnehagene": "Tallene fra vårens kartlegging kommer i juni.",
        },
        # Where two measures stood then (they have moved since).
        "then": {
            "Trygge friminutt": {"phase": 4, "status": TrafficLight.GREEN},
            "Inkluderende fritid": {"phase": 3, "status": TrafficLight.YELLOW},
            "Felles språkløft i barnehagene": {"status": TrafficLight.YELLOW},
        },
    },
    {
        "title": "Tertialrapport 2. tertial 2026",
        "period": (dt.date(2026, 5, 1), dt.date(2026, 8, 31)),
        "published_at": dt.datetime(2026, 9, 14, 10, 0),
        "introduction": "Andre tertialrapport for tiltakene for barn og unge i 2026, per 31. "
        "august. Se sammenligningen med forrige rapport for det som har endret seg.",
        "comments": {
            "Felles språkløft i barnehagene": "Rødt lys: teamet legger om veiledningen i høst.",
            "Inkluderende fritid": "Kommunestyret vedtok å videreføre fritidskortet.",
        },
        "then": {},
    },
]


def seed_reports(organizations: dict[str, Organization]) -> None:
    for slug in ("demo-kommune", "demo-herad"):
        _seed_summaries(organizations[slug])
    _seed_reports(organizations["demo-kommune"])


def _seed_summaries(organization: Organization) -> None:
    coordinator = User.objects.filter(
        memberships__organization=organization, memberships__role="coordinator"
    ).first()
    for measure in Measure.objects.filter(organization=organization, name__in=SUMMARIES):
        MeasureSummary.objects.get_or_create(
            measure=measure,
            defaults={"text": SUMMARIES[measure.name], "written_by": coordinator},
        )


def _seed_reports(organization: Organization) -> None:
    coordinator = User.objects.get(email="koordinator@demo-kommune.no")
    for spec in REPORTS:
        start, end = spec["period"]
        report, _created = Report.objects.get_or_create(
            organization=organization,
            title=spec["title"],
            defaults={
                "kind": Report.Kind.FOUR_MONTHS,
                "period_start": start,
                "period_end": end,
                "introduction": spec["introduction"],
                "created_by": coordinator,
            },
        )
        if report.versions.exists():
            continue
        measures = {m.name: m for m in Measure.objects.filter(organization=organization)}
        for name, text in spec["comments"].items():
            ReportComment.objects.get_or_create(
                report=report, measure=measures[name], defaults={"text": text}
            )
        published_at = timezone.make_aware(spec["published_at"])
        content = report_content(report, today=timezone.localdate(published_at))
        for measure in content["measures"]:
            measure.update(spec["then"].get(measure["name"], {}))
            if measure["phase"] != 3:
                measure["readiness"] = None
            if measure["phase"] != 4:
                measure["continuation"] = None
        content["totals"] = totals(content["measures"])
        content.update(
            published_at=published_at.isoformat(),
            published_by=coordinator.full_name,
            version=1,
        )
        PublishedReport.objects.create(
            report=report,
            organization=organization,
            version=1,
            title=report.title,
            kind=report.kind,
            program=report.program,
            period_start=start,
            period_end=end,
            written_standard=organization.written_standard,
            content=content,
            published_at=published_at,
            published_by=coordinator,
        )
