"""The English catalogue is the source text itself: every msgstr equals its msgid, except
Django's own messages that we reword in plain English (organizations/plain_messages.py).

Run by `make messages` after extraction, so changed English strings never linger as fuzzy.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"

sys.path.insert(0, str(ROOT))
from organizations.plain_messages import PLAIN_ENGLISH, PLAIN_ENGLISH_PLURAL  # noqa: E402

with PATH.open("rb") as handle:
    catalogue = read_po(handle, locale="en")
for message in catalogue:
    if not message.id:
        continue
    if isinstance(message.id, tuple) and tuple(message.id) in PLAIN_ENGLISH_PLURAL:
        message.string = PLAIN_ENGLISH_PLURAL[tuple(message.id)]
    elif isinstance(message.id, str) and message.id in PLAIN_ENGLISH:
        message.string = PLAIN_ENGLISH[message.id]
    else:
        message.string = message.id
    message.flags.discard("fuzzy")
with PATH.open("wb") as handle:
    write_po(handle, catalogue, width=76, omit_header=False)
