"""Django's own messages that people meet in our forms, named here so we can say them plainly.

Django's Norwegian catalogues say "Feltet er påkrevet.", "Oppgi en gyldig dato." and "Vennligst
oppgi korrekt …": correct, but stiff, and silent on what to write instead. Our catalogues in
LOCALE_PATHS are read before Django's, so a msgid there wins; but `makemessages --no-obsolete`
keeps only msgids found in our own source, so every Django msgid we reword must be named in our
code, and this module is where. Nothing imports it to show a message: Django still raises its
errors with these msgids, and gettext finds our wording first.

The English catalogue is the source text (tools/sync_english_catalogue.py copies each msgid),
except for these msgids: English itself should be plain too, so the tool takes the English
wording from PLAIN_ENGLISH and PLAIN_ENGLISH_PLURAL below. See docs/accessibility.md.
"""

from __future__ import annotations

from django.utils.translation import ngettext


def gettext_noop(message: str) -> str:
    """Marks a msgid for `makemessages` (xgettext knows the name) and returns it unchanged.
    Django's own gettext_noop would do the same, but reads the settings, and
    tools/sync_english_catalogue.py imports this module without any."""
    return message


# msgid (Django's, exactly, curly quotes included) -> what the English interface says instead.
PLAIN_ENGLISH: dict[str, str] = {
    # forms/fields.py
    gettext_noop("This field is required."): "Fill in this field.",
    gettext_noop("Enter a whole number."): "Write a whole number, for example 12.",
    gettext_noop("Enter a valid date."): "Write the date as dd.mm.yyyy, for example 31.12.2026.",
    gettext_noop("Enter a valid time."): "Write the time as hh:mm, for example 09:30.",
    gettext_noop("Enter a valid date/time."): "Write the date and time as dd.mm.yyyy hh:mm.",
    gettext_noop("No file was submitted."): "Choose a file.",
    gettext_noop(
        "No file was submitted. Check the encoding type on the form."
    ): "The file did not arrive. Choose it again and send the form once more.",
    gettext_noop("The submitted file is empty."): "The file is empty. Choose a file with content.",
    gettext_noop(
        "Select a valid choice. %(value)s is not one of the available choices."
    ): "Choose one of the options. %(value)s is not one of them.",
    gettext_noop(
        "Select a valid choice. That choice is not one of the available choices."
    ): "Choose one of the options in the list.",
    gettext_noop("Enter a list of values."): "Choose one or more of the options.",
    # core/validators.py
    gettext_noop("Enter a valid value."): "This value cannot be used. Check what you wrote.",
    gettext_noop(
        "Enter a valid URL."
    ): "Write a full web address, for example https://www.kommune.no.",
    gettext_noop("Enter a valid integer."): "Write a whole number, for example 12.",
    gettext_noop(
        "Enter a valid email address."
    ): "Write an email address, for example name@kommune.no.",
    gettext_noop("Enter a number."): "Write a number, for example 12,5.",
    gettext_noop(
        "Ensure this value is less than or equal to %(limit_value)s."
    ): "Write %(limit_value)s or less.",
    gettext_noop(
        "Ensure this value is greater than or equal to %(limit_value)s."
    ): "Write %(limit_value)s or more.",
    gettext_noop(
        "File extension “%(extension)s” is not allowed. Allowed extensions are: "
        "%(allowed_extensions)s."
    ): "Files of the kind “%(extension)s” cannot be used. Choose one of these kinds: "
    "%(allowed_extensions)s.",
    gettext_noop(
        "Null characters are not allowed."
    ): "The text holds a character that cannot be saved (NUL). Remove it and try again.",
    # db/models: uniqueness, checked by model forms
    gettext_noop(
        "%(model_name)s with this %(field_label)s already exists."
    ): "There is already a %(model_name)s with this %(field_label)s. Choose another.",
    gettext_noop(
        "%(model_name)s with this %(field_labels)s already exists."
    ): "There is already a %(model_name)s with this %(field_labels)s. Choose another.",
    # contrib/auth: logging in and changing the password
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive."
    ): "The %(username)s or the password is wrong. Check both, including capital letters.",
    gettext_noop(
        "This account is inactive."
    ): "This user account is turned off. Ask your administrator.",
    gettext_noop(
        "The two password fields didn’t match."
    ): "The two passwords are not the same. Write the same password twice.",
    gettext_noop(
        "Your old password was entered incorrectly. Please enter it again."
    ): "The current password is wrong. Write it again.",
    gettext_noop(
        "This password is too common."
    ): "This password is too common. Choose one that is harder to guess.",
    gettext_noop(
        "This password is entirely numeric."
    ): "The password cannot be only digits. Add letters or other characters.",
    gettext_noop(
        "The password is too similar to the %(verbose_name)s."
    ): "The password is too like your %(verbose_name)s. Choose another.",
}

# (singular, plural) msgids -> (one, many) in English.
PLAIN_ENGLISH_PLURAL: dict[tuple[str, ...], tuple[str, ...]] = {
    (
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    ): (
        "Write at most %(limit_value)d character (you wrote %(show_value)d).",
        "Write at most %(limit_value)d characters (you wrote %(show_value)d).",
    ),
    (
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    ): (
        "Write at least %(limit_value)d character (you wrote %(show_value)d).",
        "Write at least %(limit_value)d characters (you wrote %(show_value)d).",
    ),
    (
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
    ): (
        "Write at most %(max)s digit in all.",
        "Write at most %(max)s digits in all.",
    ),
    (
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
    ): (
        "Write at most %(max)s digit after the decimal comma.",
        "Write at most %(max)s digits after the decimal comma.",
    ),
    (
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
    ): (
        "Write at most %(max)s digit before the decimal comma.",
        "Write at most %(max)s digits before the decimal comma.",
    ),
    (
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
    ): (
        "The file's name may have at most %(max)d character (it has %(length)d). Rename it.",
        "The file's name may have at most %(max)d characters (it has %(length)d). Rename it.",
    ),
    (
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ): (
        "The password is too short. Use at least %d character.",
        "The password is too short. Use at least %d characters.",
    ),
}


def _plural_msgids_for_makemessages() -> None:
    """Never called: xgettext finds plural msgids only in ngettext calls, so here they are."""
    n = 2
    ngettext(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        n,
    )
    ngettext(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        n,
    )
    ngettext(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        n,
    )
    ngettext(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        n,
    )
    ngettext(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        n,
    )
    ngettext(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        n,
    )
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        n,
    )
