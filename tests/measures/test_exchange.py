"""Export of measures, indicators and measurements; import of measurements."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from measures.exchange import imports
from measures.exchange.imports import ImportFileError, parse_date, parse_value, read_measurements
from measures.models import Indicator, Measurement
from measures.services import ImportRejected, measurements_import
from tests.factories import (
    EvaluationCycleFactory,
    EvaluationFactory,
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    ProgramFactory,
    TagFactory,
)

TODAY = dt.date(2027, 1, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2027, 1, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def english(admin_user, coordinator, member, viewer):
    for user in (admin_user, coordinator, member, viewer):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(
        program=ProgramFactory(organization=organization, name="Trygg skolehverdag"),
        team_lead=team_lead,
        name="Trygge friminutt",
    )


@pytest.fixture
def indicator(measure):
    return IndicatorFactory(
        goal=GoalFactory(measure=measure),
        name="Elever som trives",
        plausible_min=Decimal(0),
        plausible_max=Decimal(10000),
    )


@pytest.fixture
def foreign_indicator(other_organization):
    program = ProgramFactory(organization=other_organization)
    return IndicatorFactory(goal=GoalFactory(measure=MeasureFactory(program=program)))


def export_url(dataset, file_format, query=""):
    return reverse(f"export_{dataset}_{file_format}", args=["testvik"]) + query


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- export ---------------------------------------------------------------------------------


def test_the_measurement_csv_is_made_for_norwegian_excel(
    login, member, indicator, foreign_indicator, english
):
    MeasurementFactory(
        indicator=indicator, date=dt.date(2026, 12, 1), value=Decimal("1234.5"), comment="=SUM(A1)"
    )
    MeasurementFactory(indicator=foreign_indicator, date=dt.date(2026, 12, 1))
    response = login(member).get(export_url("measurements", "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="testvik-measurements-2027-01-10.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    header, *rows = csv_rows(response)
    assert header[:4] == ["Indicator id", "Date", "Value", "Comment"]
    # Another organisation's measurement is not there; a formula is kept as text.
    assert rows == [
        [
            str(indicator.pk),
            "2026-12-01",
            "1234,5",
            "'=SUM(A1)",
            "Elever som trives",
            "%",
            str(indicator.measure_id),
            "Trygge friminutt",
        ]
    ]


def test_machine_readable_headers_on_request(login, member, indicator):
    response = login(member).get(export_url("measurements", "csv", "?headers=keys"))
    assert csv_rows(response)[0] == [
        "indicator_id",
        "date",
        "value",
        "comment",
        "indicator",
        "unit",
        "measure_id",
        "measure",
    ]


def test_headers_follow_the_users_language(login, member, measure):
    member.language = "nb"
    member.save()
    with translation.override("nb"):
        expected = str(translation.gettext("Measure id"))
    header = csv_rows(login(member).get(export_url("measures", "csv")))[0]
    assert header[0] == expected


def test_the_measures_export_has_the_evaluation_state(login, coordinator, measure, english):
    EvaluationCycleFactory(measure=measure, rhythm="term")
    EvaluationFactory(measure=measure, period_end=dt.date(2026, 6, 18), decision="adjust")
    EvaluationFactory(measure=measure, period_end=dt.date(2026, 12, 18), decision="continue")
    measure.next_evaluation_due = dt.date(2027, 1, 5)
    measure.save()
    measure.tags.add(TagFactory(organization=measure.organization, name="trivsel"))
    response = login(coordinator).get(export_url("measures", "csv", "?headers=keys"))
    header, row = csv_rows(response)
    values = dict(zip(header, row, strict=True))
    assert values["name"] == "Trygge friminutt"
    assert values["program"] == "Trygg skolehverdag"
    assert (values["status"], values["status_label"]) == ("green", "Green: on track")
    assert (values["evaluation_rhythm"], values["evaluation_rhythm_label"]) == (
        "term",
        "Each school term",
    )
    assert values["next_evaluation_due"] == "2027-01-05"
    assert values["evaluation_overdue"] == "1"
    assert values["last_evaluation_end"] == "2026-12-18"
    assert (values["last_decision"], values["last_decision_label"]) == ("continue", "Continue")
    assert values["tags"] == "trivsel"
    assert values["team_lead"] == str(measure.team_lead)


def test_the_indicator_excel_has_typed_cells(login, viewer, indicator):
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 12, 1), value=Decimal("60"))
    response = login(viewer).get(export_url("indicators", "xlsx", "?headers=keys"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, row = xlsx_rows(response)
    values = dict(zip(header, row, strict=True))
    assert values["id"] == indicator.pk
    assert values["baseline_value"] == 40
    assert values["baseline_date"] == dt.datetime(2025, 8, 1)
    assert values["latest_value"] == 60
    assert values["attainment_percent"] == 50


def test_excel_keeps_text_as_text(login, member, indicator):
    MeasurementFactory(indicator=indicator, comment='=HYPERLINK("http://x")')
    response = login(member).get(export_url("measurements", "xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    cell = workbook.worksheets[0]["D2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def add_rows(organization, count):
    program = ProgramFactory(organization=organization)
    for n in range(count):
        measure = MeasureFactory(program=program, team_lead=None)
        EvaluationCycleFactory(measure=measure)
        EvaluationFactory(measure=measure)
        measure.tags.add(TagFactory(organization=organization))
        indicator = IndicatorFactory(goal=GoalFactory(measure=measure))
        for day in range(3):
            MeasurementFactory(indicator=indicator, date=dt.date(2026, 1, 1 + day + n % 20))


@pytest.mark.parametrize("dataset", ["measures", "indicators", "measurements"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_run_the_same_queries_for_few_and_many_rows(
    dataset, file_format, login, member, organization, django_assert_num_queries
):
    def fetch():
        response = client.get(export_url(dataset, file_format))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response, body

    add_rows(organization, 1)
    client = login(member)
    fetch()
    with CaptureQueriesContext(connection) as few:
        fetch()
    count = len(few)  # read now: the next request empties the query log
    add_rows(organization, 25)
    with django_assert_num_queries(count):
        _response, body = fetch()
    assert len(body) > 500


def test_the_exchange_page_lists_the_exports_and_offers_the_import_to_planners(
    login, member, coordinator, english
):
    page = login(member).get(reverse("exchange", args=["testvik"])).content.decode()
    assert export_url("measurements", "xlsx") in page
    assert f"{export_url('indicators', 'csv')}?headers=keys" in page
    assert "attainment_percent" in page
    assert reverse("measurement_import", args=["testvik"]) not in page
    page = login(coordinator).get(reverse("exchange", args=["testvik"])).content.decode()
    assert reverse("measurement_import", args=["testvik"]) in page


# --- reading values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1 234,5", Decimal("1234.5")),
        ("1\xa0234,5", Decimal("1234.5")),
        ("1\u202f234\u202f567", Decimal("1234567")),
        ("−3,25", Decimal("-3.25")),
        ("0", Decimal(0)),
        (12, Decimal(12)),
        (12.5, Decimal("12.5")),
        (0.1 + 0.2, Decimal("0.3")),
        (Decimal("7.25"), Decimal("7.25")),
    ],
)
def test_numbers_are_read_the_norwegian_way_or_with_a_point(raw, expected):
    assert parse_value(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "is not a number"),
        ("12,5 %", "is not a number"),
        ("1.234,5", "mixes comma and point"),
        ("12 34", "is not a number"),
        ("12,34567", "more than 4 decimals"),
        ("12345678901", "too large"),
        (True, "is not a number"),
        (dt.datetime(2026, 1, 1), "is not a number"),
    ],
)
def test_bad_numbers_are_named(raw, message):
    with translation.override("en"), pytest.raises(ValueError, match=message):
        parse_value(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("31.12.2026", dt.date(2026, 12, 31)),
        ("1.2.2026", dt.date(2026, 2, 1)),
        ("2026-12-31", dt.date(2026, 12, 31)),
        (dt.datetime(2026, 12, 31), dt.date(2026, 12, 31)),
        (dt.date(2026, 12, 31), dt.date(2026, 12, 31)),
    ],
)
def test_dates_are_read_in_both_spellings_and_from_excel(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/12/2026", "31.12.26", "2026-13-01", "30.02.2026", 46022])
def test_bad_dates_are_named(raw):
    with translation.override("en"), pytest.raises(ValueError, match="is not a date"):
        parse_date(raw)


# --- import ---------------------------------------------------------------------------------


def upload(content, name="målinger.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return SimpleUploadedFile(name, content)


def xlsx_upload(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return upload(buffer.getvalue(), "målinger.xlsx")


def import_url():
    return reverse("measurement_import", args=["testvik"])


def preview(client, file):
    return client.post(import_url(), {"file": file})


def confirm(client, response):
    payload = response.context["confirm_form"].initial["payload"]
    return client.post(import_url(), {"payload": payload}, follow=True)


def test_a_coordinator_imports_a_semicolon_csv_after_a_preview(
    login, coordinator, indicator, english
):
    client = login(coordinator)
    text = (
        "Indikator_ID;Dato;Verdi;Kommentar;Merknad\n"
        f"{indicator.pk};31.10.2026;12,5;Høst;x\n"
        "\n"
        f"{indicator.pk};2026-12-31;1 234,5;;\n"
    )
    response = preview(client, upload(text))
    result = response.context["result"]
    assert result.is_valid
    assert [row.number for row in result.rows] == [2, 4]
    assert result.ignored_columns == ["Merknad"]
    body = response.content.decode()
    assert "All 2 rows are valid" in body
    assert "Merknad" in body
    assert not Measurement.objects.exists()  # nothing before the confirmation

    done = confirm(client, response)
    assert "2 measurements are saved." in done.content.decode()
    saved = list(Measurement.objects.order_by("date").values_list("date", "value", "comment"))
    assert saved == [
        (dt.date(2026, 10, 31), Decimal("12.5"), "Høst"),
        (dt.date(2026, 12, 31), Decimal("1234.5"), ""),
    ]
    measurement = Measurement.objects.first()
    assert measurement.entered_by == coordinator
    assert measurement.history.get().history_user == coordinator


def test_a_comma_csv_from_the_export_round_trips(login, coordinator, indicator):
    client = login(coordinator)
    text = f'indicator_id,date,value,comment\n{indicator.pk},2026-11-01,45.25,"Høst, uke 44"\n'
    response = preview(client, upload(text))
    confirm(client, response)
    assert Measurement.objects.get().comment == "Høst, uke 44"


def test_a_tab_separated_utf_16_file_from_excel_is_read(login, admin_user, indicator):
    text = f"sep=\t\nindicator_id\tdate\tvalue\n{indicator.pk}\t01.11.2026\t45,5\n"
    response = preview(login(admin_user), upload(text.encode("utf-16")))
    (row,) = response.context["result"].rows
    assert (row.number, row.value) == (3, Decimal("45.5"))


def test_a_windows_1252_csv_from_norwegian_excel_is_read(login, admin_user, indicator):
    text = f"indikator_id;dato;verdi;kommentar\n{indicator.pk};01.11.2026;45;Bærum\n"
    response = preview(login(admin_user), upload(text.encode("cp1252")))
    assert response.context["result"].rows[0].comment == "Bærum"


def test_an_excel_file_with_real_dates_and_numbers_is_read(login, coordinator, indicator):
    client = login(coordinator)
    file = xlsx_upload(
        [
            [None],
            ["Indicator ID", "Date", "Value"],
            [indicator.pk, dt.datetime(2026, 11, 1), 45.5],
            [float(indicator.pk), "02.11.2026", "46,5"],
        ]
    )
    response = preview(client, file)
    result = response.context["result"]
    assert result.is_valid, [row.errors for row in result.rows]
    assert [row.number for row in result.rows] == [3, 4]
    confirm(client, response)
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [
        Decimal("45.5"),
        Decimal("46.5"),
    ]


def test_missing_columns_are_named_in_one_message(login, coordinator, indicator, english):
    response = preview(login(coordinator), upload("indicator;when;value\n1;2;3\n"))
    errors = response.context["form"].errors["file"]
    assert errors == [
        "The file lacks the columns indicator_id, date. The first row must name the columns "
        "indicator_id, date and value, and may name comment (or in Norwegian: indikator_id, "
        "dato, verdi, kommentar)."
    ]
    # The error summary says so and leads to the file field.
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert 'href="#id_file"' in html


def test_every_bad_row_is_reported_and_nothing_can_be_confirmed(
    login, coordinator, indicator, foreign_indicator, english
):
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 10, 1))
    i = indicator.pk
    text = "\n".join(
        [
            "indicator_id;date;value;comment",
            f"{i};01.09.2026;50;fine",
            f"{foreign_indicator.pk};01.09.2026;50;",
            "999999;01.09.2026;50;",
            f"{i};01.10.2026;50;",
            f"{i};01.09.2026;51;",
            f"{i};02.09.2026;15000;",
            f"{i};31/12/2026;abc;",
            f"{i};01.02.2027;50;",
            f"abc;;50;{'x' * 501}",
        ]
    )
    response = preview(login(coordinator), upload(text))
    result = response.context["result"]
    errors = {row.number: row.errors for row in result.rows}
    assert errors[2] == []
    assert errors[3] == [
        f"Unknown indicator: {foreign_indicator.pk} is not an indicator id of Testvik kommune."
    ]
    assert errors[4] == ["Unknown indicator: 999999 is not an indicator id of Testvik kommune."]
    assert errors[5] == ["Elever som trives already has a measurement on 01.10.2026."]
    assert errors[6] == ["Row 2 has the same indicator and date."]
    stored = Indicator.objects.get(pk=indicator.pk)
    assert errors[7] == [stored.plausibility_error(Decimal(15000))]
    assert errors[8] == [
        "date: “31/12/2026” is not a date. Write it as 31.12.2026 or 2026-12-31.",
        "value: “abc” is not a number. Write it like 12,5 or 12.5.",
    ]
    assert errors[9] == ["The date 01.02.2027 lies in the future."]
    assert errors[10] == [
        "indicator_id: “abc” is not an indicator id (a whole number).",
        "date: the cell is empty.",
        "comment: at most 500 characters (this one has 501).",
    ]
    assert response.context["confirm_form"] is None
    body = response.content.decode()
    assert "8 of 9 rows have errors. Nothing is saved." in body
    assert "Save" not in body.split("Preview")[1].split("Upload another file")[0]
    assert Measurement.objects.count() == 1


def test_the_confirmation_checks_again_and_saves_nothing_when_a_row_went_bad(
    login, coordinator, indicator, english
):
    client = login(coordinator)
    text = f"indicator_id;date;value\n{indicator.pk};01.11.2026;45\n{indicator.pk};02.11.2026;46\n"
    response = preview(client, upload(text))
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 11, 2))  # entered meanwhile
    done = confirm(client, response)
    assert "already has a measurement on 02.11.2026" in done.content.decode()
    assert done.context["confirm_form"] is None
    assert Measurement.objects.count() == 1


def test_a_tampered_or_foreign_preview_is_refused(
    login, coordinator, admin_user, indicator, english
):
    client = login(coordinator)
    text = f"indicator_id;date;value\n{indicator.pk};01.11.2026;45\n"
    payload = preview(client, upload(text)).context["confirm_form"].initial["payload"]
    tampered = client.post(import_url(), {"payload": payload[:-3] + "abc"}, follow=True)
    assert "The preview could not be confirmed" in tampered.content.decode()
    client.logout()
    # Signed for the coordinator: of no use to anyone else.
    other = login(admin_user).post(import_url(), {"payload": payload}, follow=True)
    assert "The preview could not be confirmed" in other.content.decode()
    assert not Measurement.objects.exists()


def test_an_old_preview_must_be_uploaded_again(login, coordinator, indicator, english):
    text = f"indicator_id;date;value\n{indicator.pk};01.11.2026;45\n"
    # Signed in and previewed at noon; confirmed 61 minutes later, well inside the session.
    with time_machine.travel(dt.datetime(2026, 12, 10, 12, 0), tick=False):
        client = login(coordinator)
        payload = preview(client, upload(text)).context["confirm_form"].initial["payload"]
    with time_machine.travel(dt.datetime(2026, 12, 10, 13, 1), tick=False):
        done = client.post(import_url(), {"payload": payload}, follow=True)
    assert "more than an hour old" in done.content.decode()
    assert not Measurement.objects.exists()


def test_the_service_saves_all_or_nothing(coordinator, organization, indicator):
    good = imports.ImportRow(
        number=2, indicator_id=indicator.pk, date=dt.date(2026, 11, 1), value=Decimal(5)
    )
    bad = imports.ImportRow(
        number=3, indicator_id=indicator.pk, date=dt.date(2026, 11, 2), value=Decimal(50000)
    )
    with pytest.raises(ImportRejected) as rejected:
        measurements_import(organization=organization, user=coordinator, rows=[good, bad])
    assert rejected.value.rows[1].errors
    assert not Measurement.objects.exists()
    assert measurements_import(organization=organization, user=coordinator, rows=[good]) == 1


def test_a_measurement_saved_at_the_last_moment_rolls_the_whole_import_back(
    coordinator, organization, indicator, monkeypatch
):
    rows = [
        imports.ImportRow(number=2, indicator_id=indicator.pk, date=dt.date(2026, 11, n), value=1)
        for n in (1, 2)
    ]
    MeasurementFactory(indicator=indicator, date=dt.date(2026, 11, 2))
    # As if the other measurement was saved between the checks and the insert.
    monkeypatch.setattr("measures.services.check_rows", lambda rows, **kwargs: None)
    for row in rows:
        row.indicator = indicator
    with translation.override("en"), pytest.raises(ImportRejected, match="saved meanwhile"):
        measurements_import(organization=organization, user=coordinator, rows=rows)
    assert Measurement.objects.count() == 1


def test_a_preview_too_large_to_send_back_cannot_be_confirmed(
    login, coordinator, indicator, monkeypatch, english
):
    monkeypatch.setattr("measures.views.evaluations.MAX_PAYLOAD_CHARACTERS", 10)
    text = f"indicator_id;date;value\n{indicator.pk};01.11.2026;45\n"
    response = preview(login(coordinator), upload(text))
    assert response.context["confirm_form"] is None
    assert "Split it in two" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n;;\n", "The file is empty."),
        (b"indicator_id;date;value\n\n\n", "The file has no measurements"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, r"old Excel file \(\.xls\)"),
        (b"PK\x03\x04 not really a zip", "The file could not be read"),
        (b"a\0b", "Line 1 holds a NUL character"),
        (b"\xff\xfeab\x00", "Line 1 is not valid UTF-16"),
    ],
)
def test_unusable_files_get_one_clear_message(content, message, organization):
    with translation.override("en"), pytest.raises(ImportFileError, match=message):
        read_measurements(upload(content), organization=organization, today=TODAY)


def test_too_large_files_and_too_many_rows_are_refused(organization, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 100)
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    with translation.override("en"):
        with pytest.raises(ImportFileError, match="larger than"):
            read_measurements(upload("x" * 101), organization=organization, today=TODAY)
        rows = "indicator_id;date;value\n" + "1;01.01.2026;1\n" * 4
        with pytest.raises(ImportFileError, match="more than 3 rows"):
            read_measurements(upload(rows), organization=organization, today=TODAY)


def test_a_zip_that_unpacks_to_too_much_is_refused(organization, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 1000)
    file = xlsx_upload(
        [["indicator_id", "date", "value"], *[[1, "01.01.2026", n] for n in range(200)]]
    )
    with translation.override("en"), pytest.raises(ImportFileError, match="larger than"):
        read_measurements(file, organization=organization, today=TODAY)


def test_the_preview_runs_the_same_queries_for_few_and_many_rows(
    login, coordinator, indicator, django_assert_num_queries
):
    def text(count):
        lines = [
            f"{indicator.pk};{dt.date(2026, 1, 1) + dt.timedelta(n):%d.%m.%Y};{n}"
            for n in range(count)
        ]
        return "indicator_id;date;value\n" + "\n".join(lines)

    client = login(coordinator)
    preview(client, upload(text(1)))
    with CaptureQueriesContext(connection) as few:
        preview(client, upload(text(2)))
    count = len(few)  # read now: the next request empties the query log
    with django_assert_num_queries(count):
        response = preview(client, upload(text(300)))
    assert response.context["result"].is_valid
    assert response.context["hidden_count"] == 200
    # Saving writes in batches (the database decides their size): far fewer queries than rows.
    with CaptureQueriesContext(connection) as saving:
        confirm(client, response)
    assert len(saving) < 30
    assert Measurement.objects.count() == 300
