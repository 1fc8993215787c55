"""The English catalogue is the source text itself: every msgstr equals its msgid.

Run by `make messages` after extraction, so changed English strings never linger as fuzzy.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PATH = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"

with PATH.open("rb") as handle:
    catalogue = read_po(handle, locale="en")
for message in catalogue:
    if message.id:
        message.string = message.id
        message.flags.discard("fuzzy")
with PATH.open("wb") as handle:
    write_po(handle, catalogue, width=76, omit_header=False)
