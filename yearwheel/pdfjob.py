"""The wheel as an A3 PDF, built by a worker (filejobs/): a crowded wheel takes longer than a
request may (3,000 events: about a minute).

The job's parameters are the wheel's year, zoom and filter as a query string. The worker
renders the print view (yearwheel/views/wheel.py) as the person who asked would see it, in
their language, from a request made for the purpose: the same code as the print page, so the
PDF and the page cannot drift apart."""

from __future__ import annotations

from datetime import timedelta

from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from filejobs.kinds import Built, JobKind
from filejobs.models import FileJob
from organizations.models import Membership

# A second click on "PDF" within this time, with the same zoom and filter, gets the file (or
# the job) already made instead of a new one; later, a new one shows later changes.
REUSE_READY_FOR = timedelta(minutes=5)


def wheel_query(job: FileJob) -> tuple[int, QueryDict]:
    """The wheel's year and the rest of the parameters (zoom and filter)."""
    query = QueryDict(job.parameters, mutable=True)
    year = int(query.pop("year")[0])
    return year, query


def build_wheel_pdf(job: FileJob) -> Built:
    from yearwheel.views.wheel import WheelPrintView  # views import this module's caller

    organization, user = job.organization, job.requested_by
    year, query = wheel_query(job)
    # A person who left the organisation since gets no file (DoesNotExist: the job fails).
    membership = Membership.objects.get(organization=organization, user=user)
    path = reverse("wheel_print", kwargs={"org_slug": organization.slug, "year": year})
    request = RequestFactory().get(path, query)
    request.user = user
    request.organization = organization  # type: ignore[attr-defined]
    request.membership = membership  # type: ignore[attr-defined]
    view = WheelPrintView()
    view.setup(request, org_slug=organization.slug, year=year)
    view.organization, view.membership = organization, membership
    view.load_objects()
    filename, pdf = view.pdf()
    return Built(filename, iter([pdf]))


def _back_url(job: FileJob) -> str:
    year, query = wheel_query(job)
    url = reverse("wheel_detail", kwargs={"org_slug": job.organization.slug, "year": year})
    return url + (f"?{query.urlencode()}" if query else "")


def _ask_url(job: FileJob) -> str:
    year, _query = wheel_query(job)
    return reverse("wheel_pdf", kwargs={"org_slug": job.organization.slug, "year": year})


def _ask_fields(job: FileJob) -> list[tuple[str, str]]:
    _year, query = wheel_query(job)
    return [(name, value) for name, values in query.lists() for value in values]


WHEEL_PDF = JobKind(
    permission="yearwheel.view_wheel",
    build=build_wheel_pdf,
    content_type="application/pdf",
    back_url=_back_url,
    ask_url=_ask_url,
    ask_fields=_ask_fields,
    source_label=_("Annual wheel"),
    back_label=_("Back to the wheel"),
    download_label=_("Download the PDF"),
    waiting_text=_(
        "The PDF of the wheel is being made. A wheel with thousands of events takes a minute "
        "or two."
    ),
)
