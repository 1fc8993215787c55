"""Plain words on every form: labels in the person's language, no file formats as choices,
Django's own messages reworded (organizations/plain_messages.py; docs/accessibility.md)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import django
import pytest
from django import forms
from django.utils import translation

from organizations.plain_messages import PLAIN_ENGLISH, PLAIN_ENGLISH_PLURAL

APPS = ("organizations", "measures", "phases", "yearwheel", "reflections", "reports", "sso")


def _model_forms():
    for app in APPS:
        package = importlib.import_module(f"{app}.forms")
        modules = [package]
        if hasattr(package, "__path__"):
            modules += [
                importlib.import_module(f"{app}.forms.{info.name}")
                for info in pkgutil.iter_modules(package.__path__)
            ]
        for module in modules:
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.ModelForm) and getattr(cls._meta, "model", None):
                    yield cls


def test_no_model_form_shows_a_field_name_as_its_label():
    """A model field without verbose_name gets its attribute name ("goal") as a label, in
    English in every language, unless the form names it."""
    problems = set()
    for cls in _model_forms():
        for name, field in cls.base_fields.items():
            try:
                model_field = cls._meta.model._meta.get_field(name)
            except Exception:  # noqa: S112 - a form-only field
                continue
            default = name.replace("_", " ")
            # A verbose_name given as a translatable string is a lazy object, never a str.
            if (
                type(getattr(model_field, "verbose_name", None)) is str
                and str(field.label).lower() == default
            ):
                problems.add(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not problems, sorted(problems)


def test_the_indicator_form_labels_its_goal_in_norwegian():
    from measures.forms.goals import IndicatorForm

    with translation.override("nb"):
        assert str(IndicatorForm.base_fields["goal"].label) == "Mål"


@pytest.mark.django_db
def test_no_rhythm_choice_names_the_file_format(organization):
    from measures.forms.evaluations import EvaluationCycleForm
    from phases.forms.continuation import MaintenanceRoutineForm
    from tests.factories import MeasureFactory
    from yearwheel.forms import EventForm

    measure = MeasureFactory(organization=organization)
    for form, name in (
        (EvaluationCycleForm(measure=measure), "rhythm"),
        (MaintenanceRoutineForm(measure=measure), "recurrence"),
        (EventForm(organization=organization), "recurrence"),
    ):
        labels = [str(label) for _value, label in form.fields[name].choices]
        assert "A rhythm of its own" in labels
        assert not [label for label in labels if "RRULE" in label or "iCalendar" in label]


def test_access_is_said_as_what_a_partner_can_do():
    from organizations.models import Partnership

    assert [str(label) for label in Partnership.Access.labels] == [
        "Can read",
        "Can read and contribute",
    ]


def _django_msgids() -> set:
    """Every msgid of Django's catalogues (the English ones list them all)."""
    from babel.messages.pofile import read_po

    root = Path(django.__file__).parent
    ids: set = set()
    for path in (
        root / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        root / "contrib" / "auth" / "locale" / "en" / "LC_MESSAGES" / "django.po",
    ):
        with path.open("rb") as handle:
            ids |= {message.id for message in read_po(handle) if message.id}
    return ids


def test_every_reworded_message_is_one_django_really_uses():
    """A msgid spelt a little differently (a straight quote for a curly one) overrides
    nothing: each must be Django's own, letter for letter."""
    msgids = _django_msgids()
    unknown = [msgid for msgid in PLAIN_ENGLISH if msgid not in msgids]
    unknown += [ids for ids in PLAIN_ENGLISH_PLURAL if ids not in msgids]
    assert not unknown


# The Norwegian wording comes from our catalogues: these pass once the translations of
# organizations/plain_messages.py are in locale/nb and locale/nn.
@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "Fyll inn dette feltet."), ("nn", "Fyll ut dette feltet.")],
)
def test_a_required_field_says_plainly_what_to_do(language, expected):
    form = forms.Form(data={})
    form.fields["name"] = forms.CharField()
    with translation.override(language):
        assert form.errors["name"] == [expected]


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_a_wrong_date_says_how_to_write_one(language):
    field = forms.DateField()
    with translation.override(language), pytest.raises(forms.ValidationError) as error:
        field.clean("32.13.2026")
    assert "31.12.2026" in error.value.messages[0]


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_no_message_says_vennligst(language):
    from django.contrib.auth.forms import AuthenticationForm

    with translation.override(language):
        text = str(AuthenticationForm.error_messages["invalid_login"])
    assert "Vennligst" not in text
    assert "%(username)s" in text
