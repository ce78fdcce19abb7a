import pytest

pytestmark = pytest.mark.django_db


def test_home_page_in_vietnamese_shows_what_the_gateway_knows(client, demo_data):
    page = client.get("/?year=2016").content.decode()
    assert '<html lang="vi">' in page
    assert "Cổng tiếp nhận hồ sơ điện tử" in page
    assert "BHXH quận Ba Đình" in page and "BHXH huyện Mê Linh" in page
    assert "Cấp thẻ BHYT cho trẻ em dưới 6 tuổi" in page
    assert "EFY Việt Nam" in page
    assert "09/02/2016" in page and "Tết Nguyên đán (mùng 2)" in page  # dd/mm/yyyy on screen
    assert "Năm có" in page


def test_home_page_in_english(client, reference_data):
    page = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in page
    assert "Electronic-dossier gateway" in page and "Issue health-insurance cards to children under 6" in page


def test_language_switch_is_a_csrf_protected_post(client, reference_data):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Electronic-dossier gateway" in client.get("/").content.decode()


def test_a_bad_year_parameter_is_harmless(client, reference_data):
    assert client.get("/?year=abc").status_code == 200
    assert client.get("/?year=99999").status_code == 200
