"""Responses are gzip-compressed when the browser asks (config/compression.py), except small
ones, other content types, and the pages that show a lasting secret."""

from __future__ import annotations

import gzip
import re

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from config.compression import CompressionMiddleware, uncompressed
from tests.factories import MeasureFactory
from twofactor.views import NEW_CODES_SESSION_KEY

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
# The CSRF token is masked anew for every response; the rest of a page is the same.
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _without_csrf(body: bytes) -> bytes:
    return CSRF_TOKEN.sub(b"", body)


def test_a_page_is_compressed_when_asked_and_reads_the_same(login, coordinator, organization):
    MeasureFactory.create_batch(5, organization=organization)
    client = login(coordinator)
    url = reverse("measure_list", args=[organization.slug])

    plain = client.get(url)
    compressed = client.get(url, headers=GZIP)

    assert plain.status_code == compressed.status_code == 200
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 3
    assert _without_csrf(gzip.decompress(compressed.content)) == _without_csrf(plain.content)


def test_an_anonymous_page_is_compressed_too(client):
    response = client.get(reverse("login"), headers=GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.content)


def _through_middleware(response, view=None, headers=GZIP):
    request = RequestFactory().get("/", headers=headers)
    middleware = CompressionMiddleware(lambda _request: response)
    if view is not None:
        middleware.process_view(request, view, (), {})
    return middleware(request)


def test_below_200_bytes_nothing_is_compressed():
    small = _through_middleware(HttpResponse(b"a" * 199))
    assert "Content-Encoding" not in small
    assert small.content == b"a" * 199
    large = _through_middleware(HttpResponse(b"a" * 200))
    assert large["Content-Encoding"] == "gzip"
    assert gzip.decompress(large.content) == b"a" * 200


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html; charset=utf-8",
        "application/json",
        "text/calendar; charset=utf-8",
        "text/csv; charset=utf-8",
        "image/svg+xml",
        "TEXT/HTML",
    ],
)
def test_our_text_formats_are_compressed(content_type):
    response = _through_middleware(HttpResponse(b"x" * 1000, content_type=content_type))
    assert response["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "content_type", ["text/plain; charset=utf-8", "application/pdf", "image/png", "text/htmlx"]
)
def test_other_content_types_are_left_alone(content_type):
    response = _through_middleware(HttpResponse(b"x" * 1000, content_type=content_type))
    assert "Content-Encoding" not in response


def test_a_streaming_response_stays_streaming():
    rows = (f"{n};row {n}\n".encode() for n in range(1000))
    response = _through_middleware(StreamingHttpResponse(rows, content_type="text/csv"))
    assert response.streaming
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == b"".join(f"{n};row {n}\n".encode() for n in range(1000))


def test_a_view_marked_uncompressed_is_not_compressed():
    @uncompressed
    def view(request):
        raise AssertionError("not called")

    response = _through_middleware(HttpResponse(b"x" * 1000), view=view)
    assert "Content-Encoding" not in response


def test_the_authenticator_set_up_page_is_not_compressed(login, member):
    client = login(member)
    response = client.get(reverse("two_factor_setup") + "?next=/reflected", headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "no-store" in response["Cache-Control"]


def test_the_recovery_codes_page_is_not_compressed(login, member):
    client = login(member)
    session = client.session
    session[NEW_CODES_SESSION_KEY] = ["abcd1234", "efgh5678"]
    session.save()
    response = client.get(reverse("two_factor_recovery_codes") + "?next=/reflected", headers=GZIP)
    assert response.status_code == 200
    assert b"abcd1234" in response.content
    assert "Content-Encoding" not in response
