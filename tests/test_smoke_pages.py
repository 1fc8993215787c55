from django.urls import reverse


def test_it_renders_the_login_page(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Logg inn" in response.content.decode()


def test_it_shows_the_organisation_home_to_a_member(login, member, organization):
    response = login(member).get(reverse("organization_home", args=[organization.slug]))
    assert response.status_code == 200
    assert organization.name in response.content.decode()
