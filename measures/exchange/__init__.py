"""Export of measures, indicators and measurements (``exports``), and the reading of
measurement imports (``imports``).

Exports (what a coordinator takes to a spreadsheet or a BI tool), one organisation at a time:

- **CSV is written for Norwegian Excel**: UTF-8 with a byte order mark (without it Excel reads
  the file as Windows-1252 and garbles æøå), semicolons between fields (Excel with Norwegian
  regional settings splits on semicolons, because the comma is the decimal separator), a decimal
  comma, dates as 2026-12-31 (ISO 8601, which Excel reads as a date in every locale and BI tools
  parse without guessing), yes/no as 1/0, CRLF line ends. Text beginning with = + - @ gets a
  leading apostrophe so that spreadsheets never run it as a formula.
- **Excel** has typed cells: real numbers, real dates (shown as 31.12.2026) and booleans.
- **Header row**: by default the column names in the user's language; with ``?headers=keys``
  the stable machine-readable keys of the ``Column`` definitions in ``exports``, which the
  exchange page lists with their meaning. Choice fields come as a stable code (``status``: green,
  yellow, red) followed by the label in the user's language (``status_label``).

The measurements export starts with the four columns the import reads, so a file can be
exported, filled in and imported again. Reading and checking an import is
``imports.read_measurements``; saving it is ``services.measurements_import``, all or nothing.
The import reads semicolon, comma and tab separated CSV (UTF-8 with or without a byte order
mark, UTF-16 with one, or Windows-1252 throughout) through the shared reading step of
organizations/importfiles.py, which refuses what could be read two ways, and the first sheet of
an .xlsx workbook (see docs/imports.md).
"""
