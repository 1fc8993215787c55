"""Reading and checking an import of measurements: CSV or Excel, with a result per row.

Saves nothing; ``services.measurements_import`` saves checked rows, all or nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from openpyxl import load_workbook

from measures.exchange.exports import MEASUREMENTS
from measures.models import Indicator, Measurement
from organizations.importfiles import UnreadableFile, check_cells, csv_records, decode_upload
from organizations.models import Organization

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# An .xlsx file is a zip archive: what it unpacks to is bounded as well, so that a small
# upload cannot expand into gigabytes of XML.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
# Spreadsheets often carry thousands of formatted but empty rows after the data.
BLANK_ROWS_ENDING_THE_DATA = 1000
MAX_COMMENT_LENGTH = 500
# Any one cell, in any column: room for a long comment (refused by its own rule, with the row
# in the preview), while a cell that swallowed half the file is refused outright.
MAX_CELL_CHARACTERS = 2000
MAX_DECIMALS = 4  # Measurement.value: 14 digits, 4 of them after the decimal separator
VALUE_LIMIT = Decimal(10) ** 10

# The columns the import reads (case-insensitive; spaces and hyphens count as underscores).
# The labels of the measurements export in every UI language are accepted too.
IMPORT_COLUMNS = {
    "indicator_id": ("indicator_id", "indikator_id"),
    "date": ("date", "dato"),
    "value": ("value", "verdi"),
    "comment": ("comment", "kommentar"),
}
REQUIRED_COLUMNS = ("indicator_id", "date", "value")

_SPACES = (" ", "\xa0", "\u202f", "\u2009")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}([ \xa0\u202f\u2009]\d{3})+([.,]\d+)?")
# 1.234 is a thousand and more to someone who puts points between the thousands, and one and
# a bit to someone who writes a decimal point: both are read elsewhere, so neither is guessed.
_POINT_OR_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")
_NORWEGIAN_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CELL_FORMATS = {_NORWEGIAN_DATE: "%d.%m.%Y", _ISO_DATE: "%Y-%m-%d"}


class ImportFileError(Exception):
    """The file as a whole cannot be used; ``str(error)`` is the message for the person."""


@dataclass
class ImportRow:
    number: int  # as people see it in their spreadsheet: the header is row 1
    indicator_id: int | None = None
    date: date | None = None
    value: Decimal | None = None
    comment: str = ""
    given: tuple[str, str, str] = ("", "", "")  # indicator, date and value as written
    errors: list[str] = field(default_factory=list)
    indicator: Indicator | None = None


@dataclass
class ImportResult:
    rows: list[ImportRow]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.error_rows

    def payload(self) -> list[list[Any]]:
        """The checked rows as plain JSON values, to be signed and sent back on confirmation."""
        return [
            [row.number, row.indicator_id, row.date.isoformat(), str(row.value), row.comment]
            for row in self.rows
            if row.date is not None and row.value is not None
        ]


def rows_from_payload(payload: list[list[Any]]) -> list[ImportRow]:
    rows = []
    for number, indicator_id, day, value, comment in payload:
        parsed = date.fromisoformat(day)
        rows.append(
            ImportRow(
                number=int(number),
                indicator_id=int(indicator_id),
                date=parsed,
                value=Decimal(value),
                comment=str(comment),
                given=(str(indicator_id), parsed.isoformat(), value),
            )
        )
    return rows


def read_measurements(upload: Any, *, organization: Organization, today: date) -> ImportResult:
    """Reads and checks an uploaded CSV or Excel file of measurements. Saves nothing.

    Raises :class:`ImportFileError` when the file as a whole is unusable (too large, not CSV
    or Excel, wrong columns, no rows); problems of single rows are in each row's ``errors``.
    """
    table = read_table(upload)
    header: list[Any] = []
    for _number, cells in table:
        if not _is_blank(cells):
            header = cells
            break
    if not header:
        raise ImportFileError(_("The file is empty."))
    columns, names, ignored = map_columns(header)
    rows: list[ImportRow] = []
    blank_run = 0
    for number, cells in table:
        if _is_blank(cells):
            blank_run += 1
            if blank_run >= BLANK_ROWS_ENDING_THE_DATA:
                break
            continue
        blank_run = 0
        if len(rows) == MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s rows. Split it into smaller files.")
                % {"max": MAX_ROWS}
            )
        rows.append(parse_row(number, cells, columns, names))
    if not rows:
        raise ImportFileError(_("The file has no measurements under the row of column names."))
    check_rows(rows, organization=organization, today=today)
    return ImportResult(rows=rows, ignored_columns=ignored)


def read_table(upload: Any) -> Iterator[tuple[int, list[Any]]]:
    """The rows of the file with their row numbers, from CSV or the first sheet of an .xlsx."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(_too_large())
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_too_large())
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_rows(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel file (.xls). Save it as .xlsx or as CSV and try again.")
        )
    return _csv_rows(content)


def _too_large() -> str:
    return str(
        _("The file is larger than %(size)s MB. Split it into smaller files.")
        % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
    )


def _not_readable() -> ImportFileError:
    return ImportFileError(
        _("The file could not be read. Upload an Excel workbook (.xlsx) or a CSV file.")
    )


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    # One shared reading step (organizations/importfiles.py): it refuses what could be read two
    # ways (mixed encodings, an open quotation mark, …) instead of guessing, naming the line.
    try:
        text = decode_upload(content, legacy_encoding="cp1252")
        yield from csv_records(text, max_cell=MAX_CELL_CHARACTERS)
    except UnreadableFile as error:
        raise ImportFileError(str(error)) from error


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise _not_readable() from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_too_large())
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise _not_readable() from error
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            check_cells(number, cells, MAX_CELL_CHARACTERS)
            yield number, list(cells)
    except UnreadableFile as error:
        raise ImportFileError(str(error)) from error
    except ImportFileError:
        raise
    except Exception as error:  # as above: damage may show only while reading the rows
        raise _not_readable() from error
    finally:
        workbook.close()


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _normalize_name(name: Any) -> str:
    text = str(name or "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text).strip("_")


def _column_aliases() -> dict[str, str]:
    aliases = {
        _normalize_name(name): key for key, names in IMPORT_COLUMNS.items() for name in names
    }
    labels = {column.key: column.label for column in MEASUREMENTS.columns}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for key in IMPORT_COLUMNS:
                aliases.setdefault(_normalize_name(str(labels[key])), key)
    return aliases


def map_columns(header: list[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Where each import column is (key → index), its name as written, and ignored columns."""
    aliases = _column_aliases()
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        written = str(cell).replace("\ufeff", "").strip() if cell is not None else ""
        if not written:
            continue
        key = aliases.get(_normalize_name(written))
        if key is None:
            ignored.append(written)
        elif key in columns:
            raise ImportFileError(
                _("The columns “%(first)s” and “%(second)s” both hold %(column)s. Keep one.")
                % {"first": names[key], "second": written, "column": key}
            )
        else:
            columns[key], names[key] = index, written
    missing = [key for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        raise ImportFileError(
            ngettext(
                "The file lacks the column %(missing)s. The first row must name the columns "
                "indicator_id, date and value, and may name comment (or in Norwegian: "
                "indikator_id, dato, verdi, kommentar).",
                "The file lacks the columns %(missing)s. The first row must name the columns "
                "indicator_id, date and value, and may name comment (or in Norwegian: "
                "indikator_id, dato, verdi, kommentar).",
                len(missing),
            )
            % {"missing": ", ".join(missing)}
        )
    return columns, names, ignored


def parse_row(
    number: int, cells: list[Any], columns: dict[str, int], names: dict[str, str]
) -> ImportRow:
    def cell(key: str) -> Any:
        index = columns.get(key)
        value = cells[index] if index is not None and index < len(cells) else None
        return value.strip() if isinstance(value, str) else value

    raw = {key: cell(key) for key in IMPORT_COLUMNS}
    row = ImportRow(
        number=number,
        given=(_shown(raw["indicator_id"]), _shown(raw["date"]), _shown(raw["value"])),
    )
    for key, parse in (("indicator_id", parse_id), ("date", parse_date), ("value", parse_value)):
        if raw[key] in (None, ""):
            row.errors.append(str(_("%(column)s: the cell is empty.") % {"column": names[key]}))
            continue
        try:
            setattr(row, key, parse(raw[key]))
        except ValueError as error:
            row.errors.append(f"{names[key]}: {error}")
    comment = "" if raw["comment"] is None else str(raw["comment"]).strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        row.errors.append(
            str(
                _("%(column)s: at most %(max)s characters (this one has %(length)s).")
                % {"column": names["comment"], "max": MAX_COMMENT_LENGTH, "length": len(comment)}
            )
        )
    row.comment = comment
    return row


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)


def parse_id(raw: Any) -> int:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and raw.isdigit():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
        return raw
    raise ValueError(_("“%(value)s” is not an indicator id (a whole number).") % {"value": raw})


def parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        for pattern, fmt in _CELL_FORMATS.items():
            if pattern.fullmatch(raw):
                try:
                    parsed = datetime.strptime(raw, fmt).date()
                except ValueError:
                    break
                if parsed.year < 1900:
                    break
                return parsed
    raise ValueError(
        _("“%(value)s” is not a date. Write it as 31.12.2026 or 2026-12-31.") % {"value": raw}
    )


def parse_value(raw: Any) -> Decimal:
    """A number from a cell: Excel's own numbers, or text written the Norwegian way (12,5 and
    1 234,5, with a space or no-break space between thousands) or with a decimal point."""
    if isinstance(raw, bool):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
        # Excel stores binary fractions (0.1 + 0.2 is 0.30000000000000004): keep 4 decimals.
        number = Decimal(repr(raw)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    elif isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, str):
        number = _number_from_text(raw)
    else:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": _shown(raw)})
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise ValueError(
            _("“%(value)s” has more than %(max)s decimals.") % {"value": raw, "max": MAX_DECIMALS}
        )
    if abs(number) >= VALUE_LIMIT:
        raise ValueError(_("“%(value)s” is too large.") % {"value": raw})
    return number


def _number_from_text(raw: str) -> Decimal:
    text = raw.replace("\u2212", "-")  # the typographic minus
    if any(space in text for space in _SPACES):
        if not _GROUPED_NUMBER.fullmatch(text):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
        for space in _SPACES:
            text = text.replace(space, "")
    if "," in text and "." in text:
        raise ValueError(
            _(
                "“%(value)s” mixes comma and point. Write it without a thousands separator, "
                "for example 1234,5."
            )
            % {"value": raw}
        )
    if _POINT_OR_THOUSANDS.fullmatch(text):
        whole, decimals = text.split(".")
        raise ValueError(
            _(
                "“%(value)s” can be read two ways: with a point between the thousands or as a "
                "decimal point. Write %(thousands)s or %(decimal)s."
            )
            % {"value": raw, "thousands": whole + decimals, "decimal": f"{whole},{decimals}"}
        )
    text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise ValueError(
            _("“%(value)s” is not a number. Write it like 12,5 or 12.5.") % {"value": raw}
        )
    return Decimal(text)


def check_rows(rows: list[ImportRow], *, organization: Organization, today: date) -> None:
    """Checks the rows against the database (two queries whatever their number): the indicator
    belongs to the organisation, the value is plausible for it, the date is not in the future
    and has no measurement yet, and no two rows share indicator and date."""
    wanted = {row.indicator_id for row in rows if row.indicator_id is not None}
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(
            measure__organization=organization, pk__in=wanted
        ).select_related("measure")
    }
    dates = [row.date for row in rows if row.date is not None]
    existing: set[tuple[int, date]] = set()
    if indicators and dates:
        existing = set(
            Measurement.objects.filter(
                indicator_id__in=indicators, date__gte=min(dates), date__lte=max(dates)
            ).values_list("indicator_id", "date")
        )
    seen: dict[tuple[int, date], int] = {}
    for row in rows:
        if row.date is not None and row.date > today:
            row.errors.append(
                str(_("The date %(date)s lies in the future.") % {"date": _day(row.date)})
            )
        if row.indicator_id is None:
            continue
        row.indicator = indicators.get(row.indicator_id)
        if row.indicator is None:
            # The same words whether the id is unused or another organisation's: no leak.
            row.errors.append(
                str(
                    _("Unknown indicator: %(id)s is not an indicator id of %(organization)s.")
                    % {"id": row.indicator_id, "organization": organization.name}
                )
            )
            continue
        if row.value is not None:
            problem = row.indicator.plausibility_error(row.value)
            if problem:
                row.errors.append(problem)
        if row.date is None:
            continue
        key = (row.indicator_id, row.date)
        if key in existing:
            row.errors.append(
                str(
                    _("%(indicator)s already has a measurement on %(date)s.")
                    % {"indicator": row.indicator.name, "date": _day(row.date)}
                )
            )
        elif key in seen:
            row.errors.append(
                str(_("Row %(row)s has the same indicator and date.") % {"row": seen[key]})
            )
        else:
            seen[key] = row.number


def _day(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")
