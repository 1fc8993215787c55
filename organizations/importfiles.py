"""Reading uploaded text files for the imports: one decoding step and one CSV reader.

Every import of a text file goes through here, so a file is read the same way everywhere and
refused for the same reasons. The rule is that an import never changes what the file says: when
the bytes could mean two things, the file is refused with a message that names the line (counted
from 1, as a spreadsheet numbers its rows) and the cause, instead of a guess being saved.

- **Encodings**: UTF-8 (with or without a byte order mark) and UTF-16 with a byte order mark
  (Excel's "Unicode text"). A file that is not valid UTF-8 is read in the older encoding given
  (Windows-1252, Norwegian Excel's plain "CSV") only when no line of it is UTF-8: a file that
  mixes the two (one line pasted from elsewhere) is refused, naming the first line that differs,
  as either reading would garble æ, ø and å somewhere. UTF-16 without a byte order mark is
  refused (its byte order is a guess), and so is a NUL byte anywhere (the file is binary or
  damaged).
- **CSV**: a quotation mark that opens a cell and does not close on the same line would take
  the following lines into that cell; unless the import allows cells over several lines, that
  is refused, naming the line where the quote opened, and so is a quote left open at the end of
  the file or text after a closing quote (``"12"5``). Every cell is at most ``max_cell``
  characters; a longer one is refused with its line and column.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from organizations.limits import whole_number

DELIMITERS = (";", "\t", ",")
# csv's own limit (131,072 characters) would answer first, with a message that names neither
# the line nor the column; the callers' ``max_cell`` is the limit that counts, so csv's is
# lifted above any upload the imports accept.
_CSV_FIELD_LIMIT = 64 * 1024 * 1024
if csv.field_size_limit() < _CSV_FIELD_LIMIT:
    csv.field_size_limit(_CSV_FIELD_LIMIT)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_NEWLINE_BYTES = re.compile(rb"\r\n|\r|\n")
_NEWLINE = re.compile(r"\r\n|\r|\n")


class UnreadableFile(Exception):
    """The file cannot be read without guessing; ``str(error)`` is the message for the person."""


def _delimiter_name(delimiter: str) -> str:
    names = {";": _("semicolons"), "\t": _("tabs"), ",": _("commas")}
    return names[delimiter]


def _line_of(prefix: bytes | str) -> int:
    """The line (from 1) on which the text after ``prefix`` begins."""
    pattern: Any = _NEWLINE_BYTES if isinstance(prefix, bytes) else _NEWLINE
    return len(pattern.findall(prefix)) + 1


# --- decoding -------------------------------------------------------------------------------


def decode_upload(content: bytes, *, legacy_encoding: str | None = "cp1252") -> str:
    """The text of an uploaded file, or :class:`UnreadableFile` naming the line and the cause.

    ``legacy_encoding`` is the one older encoding accepted for a file that is not UTF-8 at all
    (``None``: UTF-8 and UTF-16 only).
    """
    for bom, encoding, name in _BOMS:
        if content.startswith(bom):
            body = content[len(bom) :]
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError as error:
                start = error.start - error.start % 2 if name == "UTF-16" else error.start
                line = _line_of(body[:start].decode(encoding, errors="replace"))
                raise UnreadableFile(
                    _(
                        "Line %(line)s is not valid %(encoding)s, although the file begins as "
                        "%(encoding)s: the file is damaged or mixes two character encodings. "
                        "Save it as “CSV UTF-8” and upload it again."
                    )
                    % {"line": line, "encoding": name}
                ) from error
            _refuse_nul(text)
            return text
    if b"\x00" in content:
        if _looks_like_utf16(content):
            raise UnreadableFile(
                _(
                    "The file is in UTF-16 without a byte order mark, so how to read its "
                    "characters would be a guess. Save it as “CSV UTF-8” (or as “Unicode "
                    "text”, which has the mark) and upload it again."
                )
            )
        _refuse_nul(content)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        if legacy_encoding is None:
            raise UnreadableFile(
                _(
                    "Line %(line)s is not UTF-8, the character encoding this file must have. "
                    "Save it as UTF-8 and upload it again."
                )
                % {"line": _line_of(content[: error.start])}
            ) from error
    return _decode_legacy(content, legacy_encoding)


def _refuse_nul(content: bytes | str) -> None:
    nul = b"\x00" if isinstance(content, bytes) else "\x00"
    index = content.find(nul)  # type: ignore[arg-type]
    if index >= 0:
        raise UnreadableFile(
            _(
                "Line %(line)s holds a NUL character (a zero byte), which a text file never "
                "has: the file is damaged or is not a CSV file. Open it in your spreadsheet, "
                "save it as “CSV UTF-8” and upload it again."
            )
            % {"line": _line_of(content[:index])}
        )


def _looks_like_utf16(content: bytes) -> bool:
    """Text in UTF-16 has a zero byte in every other place wherever it is plain ASCII (digits,
    separators, column names): zeros on one side only, in at least a quarter of the pairs."""
    sample = content[:4096]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    pairs = len(sample) // 2
    most, least = max(even, odd), min(even, odd)
    return most >= 4 and most >= pairs / 4 and least <= most / 10


def _decode_legacy(content: bytes, encoding: str) -> str:
    first_utf8 = first_legacy = 0
    for number, line in enumerate(_NEWLINE_BYTES.split(content), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            first_legacy = first_legacy or number
        else:
            first_utf8 = first_utf8 or number
        if first_utf8 and first_legacy:
            break
    if first_utf8 and first_legacy:
        if first_utf8 < first_legacy:
            message = _(
                "Line %(line)s is not UTF-8, although line %(earlier)s is: the file mixes two "
                "character encodings, and æ, ø and å would be saved wrongly in one of them. "
                "Save the whole file as “CSV UTF-8” and upload it again."
            ) % {"line": first_legacy, "earlier": first_utf8}
        else:
            message = _(
                "Line %(line)s is UTF-8, although line %(earlier)s is in an older encoding "
                "(Windows-1252): the file mixes two character encodings, and æ, ø and å would "
                "be saved wrongly in one of them. Save the whole file as “CSV UTF-8” and "
                "upload it again."
            ) % {"line": first_utf8, "earlier": first_legacy}
        raise UnreadableFile(message)
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _(
                "Line %(line)s has a character that is neither UTF-8 nor Windows-1252, so the "
                "file's encoding is unknown. Save it as “CSV UTF-8” and upload it again."
            )
            % {"line": _line_of(content[: error.start])}
        ) from error


# --- CSV ------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """A column's letter as spreadsheets show it, from its index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def check_cells(line: int, cells: Iterable[Any], max_cell: int) -> None:
    """Refuses a text cell longer than ``max_cell`` characters, naming its line and column."""
    for index, cell in enumerate(cells):
        if isinstance(cell, str) and len(cell) > max_cell:
            raise UnreadableFile(
                _(
                    "Line %(line)s, column %(column)s: the cell has %(length)s characters, and "
                    "a cell can hold at most %(max)s. Shorten it and upload the file again."
                )
                % {
                    "line": line,
                    "column": column_letter(index),
                    "length": whole_number(len(cell)),
                    "max": whole_number(max_cell),
                }
            )


def _unterminated(line: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            'Line %(line)s: a quotation mark (") opens a cell and does not close it on the same '
            "line, so the lines after it would be read into that cell. Close or remove the "
            "quotation mark and upload the file again."
        )
        % {"line": line}
    )


def _choose_delimiter(line: str, number: int) -> str:
    counts = sorted(((line.count(d), d) for d in DELIMITERS), reverse=True)
    (most, first), (second_most, second) = counts[0], counts[1]
    if most and most == second_most:
        raise UnreadableFile(
            _(
                "Line %(line)s (the column names) has as many %(first)s as %(second)s, so it is "
                "unclear which of them separates the columns. Use one of them only between "
                "the column names and upload the file again."
            )
            % {
                "line": number,
                "first": _delimiter_name(first),
                "second": _delimiter_name(second),
            }
        )
    return first if most else ";"


def csv_records(
    text: str, *, max_cell: int, multiline: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """The records of a CSV text with the line each begins on (blank lines as ``[]``).

    Separated by semicolons, tabs or commas: Excel's ``sep=`` hint line when there is one,
    otherwise the one the first non-blank line (the column names) uses most. Raises
    :class:`UnreadableFile` as the module describes; ``multiline`` allows quoted cells over
    several lines (a quote still open at the end of the file is refused either way).
    """
    source = io.StringIO(text, newline="")
    lines = _NEWLINE.split(text)
    offset = 0
    if lines[0].strip(" ").lower().startswith("sep="):  # Excel's hint line: sep=;
        source.readline()
        offset = 1
    hinted = lines[0].strip(" ")[4:5] if offset else ""
    if hinted in DELIMITERS:
        delimiter = hinted
    else:
        number, header = next(
            ((n, line) for n, line in enumerate(lines[offset:], start=1 + offset) if line.strip()),
            (1 + offset, ""),
        )
        delimiter = _choose_delimiter(header, number)
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    start = 1 + offset
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                raise _unterminated(start) from error
            line = reader.line_num + offset
            if not multiline and line > start:
                raise _unterminated(start) from error
            raise UnreadableFile(
                _(
                    "Line %(line)s: there is text right after the closing quotation mark of a "
                    "cell, so where the cell ends is unclear. Put the whole cell in quotation "
                    "marks, or remove them, and upload the file again."
                )
                % {"line": line}
            ) from error
        end = reader.line_num + offset
        if end > start and not multiline:
            raise _unterminated(start)
        check_cells(start, record, max_cell)
        yield start, record
        start = end + 1
