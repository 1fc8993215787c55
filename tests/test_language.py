"""UI language: the user's choice, then the organisation's written standard, then the browser."""

from django.urls import reverse


def _lang(response):
    return response.headers["Content-Language"]


def test_a_nynorsk_organisation_speaks_nynorsk(login, member, organization):
    organization.written_standard = "nn"
    organization.save()
    response = login(member).get(reverse("organization_home", args=[organization.slug]))
    assert _lang(response) == "nn"
    assert "Einingar" in response.content.decode()


def test_the_users_choice_beats_the_organisation(login, member, organization):
    organization.written_standard = "nn"
    organization.save()
    member.language = "en"
    member.save()
    response = login(member).get(reverse("organization_home", args=[organization.slug]))
    assert _lang(response) == "en"
    assert "Units" in response.content.decode()


def test_pages_outside_the_organisation_keep_its_language(login, member, organization):
    organization.written_standard = "nn"
    organization.save()
    client = login(member)
    client.get(reverse("organization_home", args=[organization.slug]))
    assert _lang(client.get(reverse("profile"))) == "nn"


def test_visitors_get_the_browsers_language(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nn-NO,nn;q=0.9,en;q=0.5")
    assert _lang(response) == "nn"
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert _lang(response) == "en"
    assert _lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de")) == "nb"


def test_the_switcher_sets_a_cookie_for_visitors(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    assert _lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nn")) == "en"


def test_the_switcher_saves_the_choice_on_the_profile(login, member, organization):
    client = login(member)
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    member.refresh_from_db()
    assert member.language == "nn"
    client.cookies.clear()
    client.force_login(member)
    response = client.get(reverse("organization_home", args=[organization.slug]))
    assert _lang(response) == "nn"


def test_a_visitors_cookie_does_not_follow_the_next_person_who_logs_in(
    client, member, organization, password
):
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    assert _lang(client.get(reverse("login"))) == "nn"
    client.force_login(member)
    response = client.get(reverse("organization_home", args=[organization.slug]))
    assert _lang(response) == "nb"


def test_the_switcher_ignores_unknown_languages_and_foreign_redirects(client, db):
    response = client.post(
        reverse("set_language"), {"language": "sv", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert "tiltakshjulet_language" not in response.cookies


def test_norwegian_formats_apply_in_english_too(settings):
    from datetime import date
    from decimal import Decimal

    from django.utils import formats, translation

    with translation.override("en"):
        assert formats.date_format(date(2026, 12, 31), "SHORT_DATE_FORMAT") == "31.12.2026"
        assert formats.number_format(Decimal("12345.5"), 1, use_l10n=True, force_grouping=True) == (
            "12\xa0345,5"
        )
    with translation.override("nb"):
        assert formats.date_format(date(2026, 12, 31), "SHORT_DATE_FORMAT") == "31.12.2026"
