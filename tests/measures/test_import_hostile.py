"""Measurement imports never change what the file says: files that could be read two ways are
refused, naming the line and the cause, and saving nothing; a confirmation imports once."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from imports.models import ConfirmedImport
from imports.services import import_once
from measures.exchange.imports import ImportFileError, parse_value, read_measurements
from measures.models import Measurement
from measures.services import measurements_import
from organizations.importfiles import UnreadableFile, column_letter, csv_records, decode_upload
from tests.conftest import require_or_skip
from tests.factories import GoalFactory, IndicatorFactory, MeasureFactory, ProgramFactory

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"
TODAY = dt.date(2027, 1, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2027, 1, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def indicator(organization):
    measure = MeasureFactory(program=ProgramFactory(organization=organization))
    return IndicatorFactory(
        goal=GoalFactory(measure=measure),
        name="Elever som trives",
        plausible_min=Decimal(0),
        plausible_max=Decimal(10000),
    )


@pytest.fixture
def client_en(login, coordinator):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    return login(coordinator)


def data_file(name, indicator, encoding="utf-8"):
    """A file from tests/data/imports with the indicator's id put in for INDICATOR."""
    content = (DATA / name).read_bytes()
    placeholder = "INDICATOR".encode(encoding)
    if encoding == "utf-16":  # the mark is on the file, not on each part
        placeholder = "INDICATOR".encode("utf-16-le")
        return content.replace(placeholder, str(indicator.pk).encode("utf-16-le"))
    return content.replace(placeholder, str(indicator.pk).encode(encoding))


def import_url():
    return reverse("measurement_import", args=["testvik"])


def preview(client, content, name="målinger.csv"):
    return client.post(import_url(), {"file": SimpleUploadedFile(name, content)})


def refusal(response):
    assert response.context.get("result") is None, "a refused file has no preview"
    (error,) = response.context["form"].errors["file"]
    return error


# --- unterminated and stray quotes ----------------------------------------------------------


def test_an_unterminated_quote_is_refused_naming_the_line_where_it_opened(client_en, indicator):
    response = preview(client_en, data_file("unterminated-quote.csv", indicator))
    assert refusal(response).startswith(
        'Line 2: a quotation mark (") opens a cell and does not close it on the same line'
    )
    assert not Measurement.objects.exists()


def test_a_quote_left_open_on_the_last_line_is_refused(client_en, indicator):
    text = f"indicator_id;date;value;comment\n{indicator.pk};01.10.2026;12;ok\n"
    text += f'{indicator.pk};02.10.2026;13;"Høst\n'
    response = preview(client_en, text.encode())
    assert refusal(response).startswith("Line 3: a quotation mark")


def test_text_after_a_closing_quote_is_refused(client_en, indicator):
    text = f'indicator_id;date;value\n{indicator.pk};01.10.2026;"12"5\n'
    response = preview(client_en, text.encode())
    assert refusal(response).startswith("Line 2: there is text right after the closing quotation")


def test_quoted_cells_on_one_line_are_read_as_written(client_en, indicator):
    text = f'indicator_id;date;value;comment\n{indicator.pk};01.10.2026;"12,5";"Høst; ""uke"" 40"\n'
    (row,) = preview(client_en, text.encode()).context["result"].rows
    assert (row.value, row.comment) == (Decimal("12.5"), 'Høst; "uke" 40')


def test_cells_over_several_lines_pass_only_where_allowed():
    text = 'a;b\n1;"two\nlines"\n3;4\n'
    assert list(csv_records(text, max_cell=100, multiline=True)) == [
        (1, ["a", "b"]),
        (2, ["1", "two\nlines"]),
        (4, ["3", "4"]),
    ]
    with translation.override("en"), pytest.raises(UnreadableFile, match=r"^Line 2: a quotation"):
        list(csv_records(text, max_cell=100))


def test_a_header_with_as_many_commas_as_semicolons_is_refused(client_en, indicator):
    response = preview(
        client_en, f"indicator_id,date;value\n{indicator.pk},01.10.2026;1\n".encode()
    )
    assert refusal(response).startswith(
        "Line 1 (the column names) has as many semicolons as commas"
    )


def test_excels_separator_hint_counts_as_line_one(client_en, indicator):
    text = f'sep=,\nindicator_id,date,value\n{indicator.pk},01.10.2026,"12,5"\n'
    (row,) = preview(client_en, text.encode()).context["result"].rows
    assert (row.number, row.value) == (3, Decimal("12.5"))


# --- encodings ------------------------------------------------------------------------------


def test_a_file_mixing_utf8_and_latin1_is_refused_naming_the_first_line_that_differs(
    client_en, indicator
):
    response = preview(client_en, data_file("mixed-utf8-latin1.csv", indicator))
    assert refusal(response).startswith("Line 3 is not UTF-8, although line 2 is")
    assert not Measurement.objects.exists()


def test_a_latin1_file_with_a_utf8_line_later_is_refused_too(client_en, indicator):
    content = "a;b\nBærum;1\n".encode("cp1252") + "c;d\nØrland;2\n".encode()
    response = preview(client_en, content)
    assert refusal(response).startswith("Line 4 is UTF-8, although line 2 is in an older")


def test_a_windows_1252_file_throughout_is_still_read(client_en, indicator):
    content = f"indikator_id;dato;verdi;kommentar\n{indicator.pk};01.10.2026;1;Høst – Ørland\n"
    (row,) = preview(client_en, content.encode("cp1252")).context["result"].rows
    assert row.comment == "Høst – Ørland"


def test_a_byte_that_is_neither_utf8_nor_windows_1252_is_refused(client_en, indicator):
    content = b"a;b\n1;2\n3;\x81\n"
    assert refusal(preview(client_en, content)).startswith(
        "Line 3 has a character that is neither UTF-8 nor Windows-1252"
    )


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_refused_with_its_cause(client_en, indicator, encoding):
    if encoding == "utf-16-le":
        content = data_file("utf16-without-bom.csv", indicator, "utf-16-le")
    else:
        content = (DATA / "utf16-without-bom.csv").read_bytes().decode("utf-16-le")
        content = content.replace("INDICATOR", str(indicator.pk)).encode(encoding)
    assert refusal(preview(client_en, content)).startswith(
        "The file is in UTF-16 without a byte order mark"
    )


def test_utf16_with_a_byte_order_mark_is_read_and_saved(client_en, indicator):
    response = preview(client_en, data_file("utf16-with-bom.csv", indicator, "utf-16"))
    result = response.context["result"]
    assert result.is_valid
    assert [(row.number, row.comment) for row in result.rows] == [(2, "Bærum, høst"), (3, "Åsane")]
    payload = response.context["confirm_form"].initial["payload"]
    client_en.post(import_url(), {"payload": payload})
    assert sorted(Measurement.objects.values_list("comment", flat=True)) == ["Bærum, høst", "Åsane"]


def test_a_damaged_utf16_file_names_the_line():
    content = "a;b\n1;2\n".encode("utf-16") + b"\x00\xd8" + "3\n".encode("utf-16-le")
    with (
        translation.override("en"),
        pytest.raises(UnreadableFile, match=r"^Line 3 is not valid UTF-16"),
    ):
        decode_upload(content)


def test_a_nul_byte_is_refused_naming_its_line(client_en, indicator):
    response = preview(client_en, data_file("nul-byte.csv", indicator))
    assert refusal(response).startswith("Line 3 holds a NUL character (a zero byte)")
    assert not Measurement.objects.exists()


def test_without_an_older_encoding_only_utf8_is_accepted():
    with translation.override("en"), pytest.raises(UnreadableFile, match=r"^Line 2 is not UTF-8"):
        decode_upload("a\nø\n".encode("cp1252"), legacy_encoding=None)
    assert decode_upload("\ufeffa\nø\n".encode(), legacy_encoding=None) == "a\nø\n"


# --- oversized cells ------------------------------------------------------------------------


def test_a_cell_at_the_limit_passes_and_one_over_is_refused_with_line_and_column(
    client_en, indicator
):
    content = data_file("oversized-cell.csv", indicator)
    at_limit = b"\r\n".join(content.split(b"\r\n")[:2]) + b"\r\n"
    (row,) = preview(client_en, at_limit).context["result"].rows
    assert row.errors == []
    assert refusal(preview(client_en, content)) == (
        "Line 3, column E: the cell has 2\xa0001 characters, and a cell can hold at most 2\xa0000. "
        "Shorten it and upload the file again."
    )


def test_an_excel_cell_over_the_limit_is_refused_the_same_way(organization, indicator):
    workbook = Workbook()
    workbook.active.append(["indicator_id", "date", "value", "comment"])
    workbook.active.append([indicator.pk, "01.10.2026", 1, "x" * 2000])
    workbook.active.append([indicator.pk, "02.10.2026", 1, "x" * 2001])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("en"), pytest.raises(ImportFileError, match=r"^Line 3, column D:"):
        read_measurements(
            SimpleUploadedFile("m.xlsx", buffer.getvalue()), organization=organization, today=TODAY
        )


def test_a_cell_too_long_for_csvs_own_limit_is_named_as_well():
    text = "a;b\n1;" + "x" * 200_000 + "\n"
    with translation.override("en"), pytest.raises(UnreadableFile, match=r"^Line 2, column B:"):
        list(csv_records(text, max_cell=2000))


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (4, "E"), (25, "Z"), (26, "AA"), (701, "ZZ")]
)
def test_columns_are_named_as_spreadsheets_name_them(index, letter):
    assert column_letter(index) == letter


# --- the confirmation, once -----------------------------------------------------------------


def confirmed_payload(client, indicator):
    text = f"indicator_id;date;value\n{indicator.pk};01.11.2026;45\n"
    return preview(client, text.encode()).context["confirm_form"].initial["payload"]


def test_a_double_clicked_confirmation_imports_once_and_shows_one_outcome(client_en, indicator):
    payload = confirmed_payload(client_en, indicator)
    first = client_en.post(import_url(), {"payload": payload})
    second = client_en.post(import_url(), {"payload": payload})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    page = client_en.get(second["Location"]).content.decode()
    assert page.count("1 measurement is saved.") == 1
    assert "already has a measurement" not in page
    assert Measurement.objects.count() == 1
    assert ConfirmedImport.objects.get().outcome == {"count": 1}


def test_a_refused_confirmation_claims_nothing_and_can_be_tried_again(client_en, indicator):
    payload = confirmed_payload(client_en, indicator)
    blocking = Measurement.objects.create(indicator=indicator, date=dt.date(2026, 11, 1), value=1)
    refused = client_en.post(import_url(), {"payload": payload})
    assert "already has a measurement" in refused.content.decode()
    assert not ConfirmedImport.objects.exists()
    blocking.delete()
    again = client_en.post(import_url(), {"payload": payload})
    assert again.status_code == 302
    assert Measurement.objects.get().value == Decimal(45)


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_the_same_moment_import_once(organization, coordinator, indicator):
    require_or_skip(
        connection.vendor == "postgresql",
        "two connections that wait on each other need PostgreSQL (set DATABASE_URL)",
    )
    from measures.exchange.imports import ImportRow

    started = threading.Event()
    release = threading.Event()
    outcomes = []

    def save():
        started.set()
        release.wait(5)  # hold the claim's transaction open while the other one arrives
        row = ImportRow(
            number=2, indicator_id=indicator.pk, date=dt.date(2026, 11, 1), value=Decimal(7)
        )
        return {
            "count": measurements_import(organization=organization, user=coordinator, rows=[row])
        }

    def confirm(hold):
        try:
            outcomes.append(
                import_once(
                    token="same-preview",
                    kind="measurements",
                    organization=organization,
                    user=coordinator,
                    save=save if hold else lambda: pytest.fail("saved twice"),
                )
            )
        finally:
            connections.close_all()

    first = threading.Thread(target=confirm, args=(True,))
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=confirm, args=(False,))
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second confirmation waits for the first"
    release.set()
    first.join(10)
    second.join(10)
    assert sorted((o.values["count"], o.first) for o in outcomes) == [(1, False), (1, True)]
    assert Measurement.objects.count() == 1


def test_claims_are_kept_a_day_and_then_removed_by_the_next_import(organization, coordinator):
    def claim(token):
        return import_once(
            token=token,
            kind="measurements",
            organization=organization,
            user=coordinator,
            save=lambda: {"count": 0},
        )

    with time_machine.travel(dt.datetime(2027, 1, 9, 12, 0, 1), tick=False):
        claim("a day old, less a second")
    with time_machine.travel(dt.datetime(2027, 1, 9, 11, 59, 59), tick=False):
        claim("a day old, and a second")
    claim("now")
    assert set(ConfirmedImport.objects.values_list("token", flat=True)) == {
        "a day old, less a second",
        "now",
    }


# --- numbers that could be read two ways ----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "advice"),
    [("1.234", "Write 1234 or 1,234."), ("-12.345", "Write -12345 or -12,345."), ("123.456", "")],
)
def test_a_point_before_three_digits_is_refused_as_two_readings(raw, advice):
    with translation.override("en"), pytest.raises(ValueError, match="can be read two ways") as e:
        parse_value(raw)
    assert str(e.value).endswith(advice)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.125", Decimal("0.125")),  # thousands are never grouped after a zero
        ("1234.567", Decimal("1234.567")),  # grouped, it would have a point after the 1
        ("1.2345", Decimal("1.2345")),
        ("1.23", Decimal("1.23")),
        ("1,234", Decimal("1.234")),  # the decimal comma says it
    ],
)
def test_points_that_can_only_be_decimal_points_are_read(raw, expected):
    assert parse_value(raw) == expected


def test_the_upload_page_tells_how_to_save_a_csv_file(client_en):
    page = client_en.get(import_url()).content.decode()
    assert "Save a CSV file from Excel as “CSV UTF-8”" in page
