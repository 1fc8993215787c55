"""CSV files for spreadsheets, shared by every export: semicolons (Norwegian Excel), a byte
order mark, decimal commas, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

Cell = str | int | Decimal | date | datetime | bool | None
CSV_DELIMITER = ";"
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return plain_decimal(value).replace(".", ",")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def plain_decimal(value: Decimal) -> str:
    """12.5000 as 12.5, 100.0000 as 100: no trailing zeros, never an exponent."""
    return f"{value.normalize():f}"


class _Line:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, text: str) -> str:
        return text


def csv_lines(header: list[str], rows: Iterable[list[Cell]]) -> Iterator[str]:
    """The lines of a CSV file, to stream with a StreamingHttpResponse."""
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield "\ufeff"
    yield writer.writerow(header)
    for values in rows:
        yield writer.writerow([csv_text(value) for value in values])
