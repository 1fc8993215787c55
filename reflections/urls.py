"""Reflection and learning, mounted under ``/o/<org_slug>/``: the question bank, learning
meetings with their answers, decisions and action items, minutes, reflection over time and
the lessons log."""

from django.urls import path

from reflections.views import lessons, meetings, minutes, questions, reflection, run

M = "meetings/<int:pk>"

urlpatterns = [
    # The question bank
    path("reflection/questions/", questions.QuestionListView.as_view(), name="question_list"),
    path(
        "reflection/questions/new/",
        questions.QuestionCreateView.as_view(),
        name="question_create",
    ),
    path(
        "reflection/questions/<int:pk>/edit/",
        questions.QuestionUpdateView.as_view(),
        name="question_update",
    ),
    path(
        "reflection/questions/<int:pk>/retire/",
        questions.QuestionRetireView.as_view(retire=True),
        name="question_retire",
    ),
    path(
        "reflection/questions/<int:pk>/restore/",
        questions.QuestionRetireView.as_view(retire=False),
        name="question_restore",
    ),
    # Learning meetings
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path(f"{M}/", run.MeetingDetailView.as_view(), name="meeting_detail"),
    path(f"{M}/edit/", meetings.MeetingUpdateView.as_view(), name="meeting_update"),
    path(
        f"{M}/archive/", meetings.MeetingArchiveView.as_view(archive=True), name="meeting_archive"
    ),
    path(
        f"{M}/restore/",
        meetings.MeetingArchiveView.as_view(archive=False),
        name="meeting_restore",
    ),
    # Running a meeting
    path(f"{M}/questions/", run.MeetingQuestionsView.as_view(), name="meeting_questions"),
    path(
        f"{M}/questions/<int:question_pk>/answers/",
        run.AnswerCreateView.as_view(),
        name="meeting_answer",
    ),
    path(f"{M}/decisions/", run.DecisionCreateView.as_view(), name="meeting_decision"),
    path(
        f"{M}/decisions/<int:decision_pk>/correct/",
        run.DecisionCorrectView.as_view(),
        name="meeting_decision_correct",
    ),
    path(f"{M}/actions/", run.ActionItemCreateView.as_view(), name="meeting_action"),
    path(f"{M}/close/", run.MeetingCloseView.as_view(), name="meeting_close"),
    path(f"{M}/reopen/", run.MeetingReopenView.as_view(), name="meeting_reopen"),
    # Minutes
    path(f"{M}/minutes/", minutes.MinutesView.as_view(), name="meeting_minutes"),
    path(f"{M}/minutes.pdf", minutes.MinutesPdfView.as_view(), name="meeting_minutes_pdf"),
    # Action items
    path("actions/", meetings.ActionItemListView.as_view(), name="action_item_list"),
    path(
        "actions/<int:pk>/status/",
        run.ActionItemStatusView.as_view(),
        name="action_item_status",
    ),
    # Reflection over time
    path(
        "measures/<int:measure_pk>/reflection/",
        reflection.MeasureReflectionView.as_view(),
        name="measure_reflection",
    ),
    # The lessons log
    path("lessons/", lessons.LessonListView.as_view(), name="lesson_list"),
    path("lessons/new/", lessons.LessonCreateView.as_view(), name="lesson_create"),
    path("lessons/shared/", lessons.SharedLessonListView.as_view(), name="lesson_shared_list"),
    path(
        "lessons/shared/<int:pk>/",
        lessons.SharedLessonDetailView.as_view(),
        name="lesson_shared_detail",
    ),
    path("lessons/<int:pk>/", lessons.LessonDetailView.as_view(), name="lesson_detail"),
    path("lessons/<int:pk>/edit/", lessons.LessonUpdateView.as_view(), name="lesson_update"),
    path(
        "lessons/<int:pk>/archive/",
        lessons.LessonArchiveView.as_view(archive=True),
        name="lesson_archive",
    ),
    path(
        "lessons/<int:pk>/restore/",
        lessons.LessonArchiveView.as_view(archive=False),
        name="lesson_restore",
    ),
]
