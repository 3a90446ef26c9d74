"""How a partnership usually meets: video or audio in Felt, by phone, or in person."""

import pytest
from django.urls import reverse

from felt.core.errors import FeltError
from felt.partnerships import services
from felt.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(ada, sam):
    return Partnership.objects.create(member_a=ada, member_b=sam)


def test_a_new_partnership_meets_by_video_in_felt(partnership):
    assert partnership.way_to_meet == Partnership.WayToMeet.VIDEO


@pytest.mark.parametrize("way", ["audio", "phone", "in_person", "video"])
def test_either_partner_chooses_how_they_usually_meet(partnership, sam, way):
    services.set_way_to_meet(partnership=partnership, member=sam, way=way)
    partnership.refresh_from_db()
    assert partnership.way_to_meet == way


def test_someone_else_cannot_choose_for_them(partnership, stranger):
    with pytest.raises(FeltError):
        services.set_way_to_meet(partnership=partnership, member=stranger, way="phone")
    partnership.refresh_from_db()
    assert partnership.way_to_meet == "video"


@pytest.mark.parametrize("way", ["", "zoom", "Phone"])
def test_an_unknown_way_is_refused_with_one_sentence(partnership, ada, way):
    with pytest.raises(FeltError) as refused:
        services.set_way_to_meet(partnership=partnership, member=ada, way=way)
    assert refused.value.message == "Please choose video, audio only, phone or in person."
    partnership.refresh_from_db()
    assert partnership.way_to_meet == "video"


def test_an_ended_partnership_keeps_its_way(partnership, ada):
    services.end_partnership(partnership=partnership, member=ada)
    with pytest.raises(FeltError):
        services.set_way_to_meet(partnership=partnership, member=ada, way="phone")


def test_the_partnership_page_offers_the_ways_and_keeps_the_choice(client, partnership, sam):
    client.force_login(sam)
    url = reverse("partnerships:detail", args=[partnership.pk])
    page = client.get(url).content.decode()
    assert "How you meet" in page
    for label in ("Video in Felt", "Audio only in Felt", "By phone", "In person"):
        assert label in page

    response = client.post(
        reverse("partnerships:way_to_meet", args=[partnership.pk]), {"way": "phone"}, follow=True
    )

    assert response.redirect_chain[-1][0] == url
    assert "From now on you meet by phone" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.way_to_meet == "phone"
    assert '<option value="phone" selected>' in response.content.decode()


def test_a_wrong_way_from_the_page_says_so_and_changes_nothing(client, partnership, ada):
    client.force_login(ada)
    response = client.post(
        reverse("partnerships:way_to_meet", args=[partnership.pk]), {"way": "fax"}, follow=True
    )
    assert "Please choose video, audio only, phone or in person." in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.way_to_meet == "video"


def test_a_stranger_cannot_post_a_way_for_someone_elses_partnership(client, partnership, stranger):
    client.force_login(stranger)
    response = client.post(
        reverse("partnerships:way_to_meet", args=[partnership.pk]), {"way": "phone"}
    )
    assert response.status_code == 404
    partnership.refresh_from_db()
    assert partnership.way_to_meet == "video"


def test_the_database_refuses_a_way_it_does_not_know(partnership):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.filter(pk=partnership.pk).update(way_to_meet="zoom")
