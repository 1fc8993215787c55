"""URLs of the logic model and the knowledge base, mounted under /o/<org_slug>/ (see
measures/urls.py)."""

from django.urls import URLPattern, path

from measures.views import knowledge, logic

LOGIC = "measures/<int:measure_pk>/logic/"
MEASURE_KNOWLEDGE = "measures/<int:measure_pk>/knowledge/"
PROGRAM_KNOWLEDGE = "programs/<int:program_pk>/knowledge/"

urlpatterns: list[URLPattern] = [
    path(LOGIC, logic.LogicModelView.as_view(), name="logic_model"),
    path(
        f"{LOGIC}elements/new/",
        logic.LogicElementCreateView.as_view(),
        name="logic_element_create",
    ),
    path(
        f"{LOGIC}elements/<int:pk>/edit/",
        logic.LogicElementUpdateView.as_view(),
        name="logic_element_update",
    ),
    path(
        f"{LOGIC}elements/<int:pk>/move/",
        logic.LogicElementMoveView.as_view(),
        name="logic_element_move",
    ),
    path(
        f"{LOGIC}elements/<int:pk>/delete/",
        logic.LogicElementDeleteView.as_view(),
        name="logic_element_delete",
    ),
    path(f"{LOGIC}arrows/new/", logic.LogicLinkCreateView.as_view(), name="logic_link_create"),
    path(
        f"{LOGIC}arrows/<int:pk>/delete/",
        logic.LogicLinkDeleteView.as_view(),
        name="logic_link_delete",
    ),
    path(
        f"{MEASURE_KNOWLEDGE}new/",
        knowledge.MeasureKnowledgeCreateView.as_view(),
        name="measure_knowledge_create",
    ),
    path(
        f"{MEASURE_KNOWLEDGE}<int:pk>/edit/",
        knowledge.MeasureKnowledgeUpdateView.as_view(),
        name="measure_knowledge_update",
    ),
    path(
        f"{MEASURE_KNOWLEDGE}<int:pk>/delete/",
        knowledge.MeasureKnowledgeDeleteView.as_view(),
        name="measure_knowledge_delete",
    ),
    path(
        f"{MEASURE_KNOWLEDGE}<int:pk>/file/",
        knowledge.MeasureKnowledgeFileView.as_view(),
        name="measure_knowledge_file",
    ),
    path(
        f"{PROGRAM_KNOWLEDGE}new/",
        knowledge.ProgramKnowledgeCreateView.as_view(),
        name="program_knowledge_create",
    ),
    path(
        f"{PROGRAM_KNOWLEDGE}<int:pk>/edit/",
        knowledge.ProgramKnowledgeUpdateView.as_view(),
        name="program_knowledge_update",
    ),
    path(
        f"{PROGRAM_KNOWLEDGE}<int:pk>/delete/",
        knowledge.ProgramKnowledgeDeleteView.as_view(),
        name="program_knowledge_delete",
    ),
    path(
        f"{PROGRAM_KNOWLEDGE}<int:pk>/file/",
        knowledge.ProgramKnowledgeFileView.as_view(),
        name="program_knowledge_file",
    ),
]
