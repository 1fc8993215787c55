"""Expectations for the logic model and the knowledge base of measures and programmes."""

from __future__ import annotations

from django.core.files.base import ContentFile

from measures.models import KnowledgeItem
from tests.factories import KnowledgeItemFactory, LogicElementFactory, LogicLinkFactory
from tests.matrix.base import (
    ALL_MEMBERS,
    MEASURE_WORKERS,
    PLANNERS,
    Case,
    measure_and,
    org,
)


def program_and(key=None):
    """URL kwargs under a programme: the programme's pk, and optionally one object's pk."""

    def kwargs(ctx):
        values = {"org_slug": ctx["organization"].slug, "program_pk": ctx["program"].pk}
        if key:
            values["pk"] = ctx[key].pk
        return values

    return kwargs


MATRIX = {
    "logic_model": Case(measure_and(), org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "logic_element_create": Case(
        measure_and(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)
    ),
    "logic_element_update": Case(
        measure_and("logic_element"), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)
    ),
    # An empty POST moves nothing and says so on the chain page.
    "logic_element_move": Case(
        measure_and("logic_element"), org(MEASURE_WORKERS, 405), org(MEASURE_WORKERS, 302)
    ),
    "logic_element_delete": Case(
        measure_and("logic_element"), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 302)
    ),
    "logic_link_create": Case(measure_and(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "logic_link_delete": Case(
        measure_and("logic_link"), org(MEASURE_WORKERS, 405), org(MEASURE_WORKERS, 302)
    ),
    "measure_knowledge_create": Case(
        measure_and(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)
    ),
    "measure_knowledge_update": Case(
        measure_and("measure_knowledge"), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)
    ),
    "measure_knowledge_delete": Case(
        measure_and("measure_knowledge"), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 302)
    ),
    "measure_knowledge_file": Case(
        measure_and("measure_knowledge"), org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)
    ),
    "program_knowledge_create": Case(program_and(), org(PLANNERS, 200), org(PLANNERS, 200)),
    "program_knowledge_update": Case(
        program_and("program_knowledge"), org(PLANNERS, 200), org(PLANNERS, 200)
    ),
    "program_knowledge_delete": Case(
        program_and("program_knowledge"), org(PLANNERS, 200), org(PLANNERS, 302)
    ),
    "program_knowledge_file": Case(
        program_and("program_knowledge"), org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)
    ),
}


def _with_file(item: KnowledgeItem) -> KnowledgeItem:
    # The download URLs need a stored file (in memory under the test settings).
    item.file.save("kartlegging.txt", ContentFile(b"Samlede tall, ingen personopplysninger.\n"))
    return item


BUILDERS = {
    "logic_element": lambda ctx: LogicElementFactory(measure=ctx["measure"]),
    "logic_link": lambda ctx: LogicLinkFactory(measure=ctx["measure"]),
    "measure_knowledge": lambda ctx: _with_file(KnowledgeItemFactory(measure=ctx["measure"])),
    "program_knowledge": lambda ctx: _with_file(
        KnowledgeItemFactory(measure=None, program=ctx["program"], organization=ctx["organization"])
    ),
}
