"""Expectations for phase III (laps, attachments, components) and phase IV (continuation).

Members read; planners and the measure's team lead work on the material; only planners give
the recommendation, record the decision and mark ordinary operation. Empty POSTs to forms
are invalid (200), except the assessment, whose fields are all optional (302).
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from phases.models import GoverningDocument, IterationAttachment, MaintenanceRoutine
from tests.factories import (
    PilotIterationFactory,
    ServiceComponentFactory,
    StakeholderInputFactory,
)
from tests.matrix.base import (
    ALL_MEMBERS,
    MEASURE_WORKERS,
    PLANNERS,
    Case,
    measure_and,
    org,
)

PDF = b"%PDF-1.7\n%%EOF\n"


def _attachment_kwargs(ctx):
    attachment = ctx["roundabout.attachment"]
    return {
        **measure_and("roundabout.iteration")(ctx),
        "attachment_pk": attachment.pk,
    }


def read():
    return (org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405))


def work(post=200):
    return (org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, post))


def decide(post=200):
    return (org(PLANNERS, 200), org(PLANNERS, post))


MATRIX = {
    # Phase III
    "roundabout": Case(measure_and(), *read()),
    "iteration_create": Case(measure_and(), *work()),
    "iteration_detail": Case(measure_and("roundabout.iteration"), *read()),
    "iteration_update": Case(measure_and("roundabout.iteration"), *work()),
    # The matrix lap has a recorded decision; an empty POST shows the form's errors.
    "lap_decision_correct": Case(measure_and("roundabout.iteration"), *work()),
    "iteration_attachment_create": Case(measure_and("roundabout.iteration"), *work()),
    "iteration_attachment_file": Case(_attachment_kwargs, *read()),
    "component_create": Case(measure_and(), *work()),
    "component_update": Case(measure_and("roundabout.component"), *work()),
    "component_file": Case(measure_and("roundabout.component"), *read()),
    # Phase IV
    "continuation": Case(measure_and(), *read()),
    "continuation_assessment": Case(measure_and(), *work(post=302)),
    "continuation_recommendation": Case(measure_and(), *decide()),
    "continuation_decision": Case(measure_and(), *decide()),
    "continuation_mark_ordinary": Case(measure_and(), org(PLANNERS, 405), org(PLANNERS, 302)),
    "stakeholder_input_create": Case(measure_and(), *work()),
    "stakeholder_input_update": Case(measure_and("continuation.stakeholder_input"), *work()),
    "maintenance_routine_create": Case(measure_and(), *work()),
    "maintenance_routine_update": Case(measure_and("continuation.routine"), *work()),
    "maintenance_routine_delete": Case(
        measure_and("continuation.routine"), org(MEASURE_WORKERS, 405), org(MEASURE_WORKERS, 302)
    ),
    "governing_document_create": Case(measure_and(), *work()),
    "governing_document_update": Case(measure_and("continuation.document"), *work()),
}


def _attachment(ctx):
    attachment = IterationAttachment(iteration=ctx["roundabout.iteration"], title="Rapport")
    attachment.file.save("rapport.pdf", ContentFile(PDF))
    return attachment


def _component(ctx):
    component = ServiceComponentFactory(measure=ctx["measure"])
    component.description_file.save("rutine.pdf", ContentFile(PDF))
    return component


BUILDERS = {
    "roundabout.iteration": lambda ctx: PilotIterationFactory(
        measure=ctx["measure"], decision_next="En runde til med færre møter."
    ),
    "roundabout.attachment": _attachment,
    "roundabout.component": _component,
    "continuation.stakeholder_input": lambda ctx: StakeholderInputFactory(measure=ctx["measure"]),
    "continuation.routine": lambda ctx: MaintenanceRoutine.objects.create(
        measure=ctx["measure"],
        kind=MaintenanceRoutine.Kind.TRAINING,
        description="Opplæring av nytilsatte",
        recurrence=MaintenanceRoutine.Recurrence.YEARLY,
        first_date="2026-08-15",
    ),
    "continuation.document": lambda ctx: GoverningDocument.objects.create(
        measure=ctx["measure"], kind=GoverningDocument.Kind.MUNICIPAL_PLAN, year=2026
    ),
}
