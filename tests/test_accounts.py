"""Logging in with an email address, passwords, and the profile."""

import re

from django.core import mail
from django.urls import reverse

from outbox.dispatch import dispatch as send_outbox
from tests.factories import UserFactory


def test_it_logs_in_with_the_email_address_in_any_case(client, member, password):
    response = client.post(
        reverse("login"), {"username": member.email.upper(), "password": password}
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200


def test_a_wrong_password_is_refused_with_a_clear_message(client, member):
    response = client.post(reverse("login"), {"username": member.email, "password": "feil"})
    assert response.status_code == 200
    assert "eller passordet er feil" in response.content.decode()


def test_an_inactive_user_cannot_log_in(client, password, db):
    user = UserFactory(is_active=False)
    response = client.post(reverse("login"), {"username": user.email, "password": password})
    assert response.status_code == 200


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, member, password_login):
    client.post(reverse("password_reset"), {"email": member.email})
    send_outbox()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_url = client.get(link.group(1)).url  # Django swaps the token for a session marker
    response = client.post(
        form_url,
        {"new_password1": "et-nytt-langt-passord", "new_password2": "et-nytt-langt-passord"},
    )
    assert response.status_code == 302
    assert password_login(member.email, "et-nytt-langt-passord")


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("password_reset"), {"email": "ukjent@kommune.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_the_password_is_changed_with_the_old_one(login, member, password):
    client = login(member)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "et-nytt-langt-passord",
            "new_password2": "et-nytt-langt-passord",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("et-nytt-langt-passord")


def test_the_profile_saves_name_and_language(login, member):
    client = login(member)
    response = client.post(reverse("profile"), {"full_name": "Mona Ny", "language": "nn"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.language) == ("Mona Ny", "nn")


def test_an_empty_name_is_refused(login, member):
    response = login(member).post(reverse("profile"), {"full_name": "", "language": ""})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.full_name


def test_following_the_organisation_clears_the_choice(login, member, organization):
    member.language = "en"
    member.save()
    client = login(member)
    client.post(reverse("profile"), {"full_name": "Mona", "language": ""})
    response = client.get(reverse("organization_home", args=[organization.slug]))
    assert response.headers["Content-Language"] == "nb"
