import pytest

from hoso.dossier import Child, DossierError, build_children_list, children_from_csv, read_form


def test_the_list_carries_households_and_reads_back_as_d03():
    xml = build_children_list(
        commune_code="00379",
        commune_name="xã Bắc Sơn",
        district_code="016",
        children=[
            Child(ho_ten="Nguyễn Văn Bé", ngay_sinh="12/03/2015", gioi_tinh="1", so_giay_khai_sinh="12/2015",
                  ngay_cap_giay_khai_sinh="20/03/2015", ho_ten_cha_me="Nguyễn Văn Bố", chu_ho="Nguyễn Văn Ông",
                  ma_ho_gia_dinh="HGD0001", ma_huyen="016"),
            Child(ho_ten="Trần Thị Na", ngay_sinh="01/10/2014", gioi_tinh="0"),
        ],
    )  # fmt: skip
    form = read_form(xml)
    assert form.code == "D03-TS" and form.header["MaXa"] == "00379"
    first, second = form.rows
    assert (first.ho_ten, first.ngay_sinh, first.stt) == ("Nguyễn Văn Bé", "12/03/2015", "1")
    assert first.extra["ChuHo"] == "Nguyễn Văn Ông" and first.extra["SoGiayKhaiSinh"] == "12/2015"
    assert first.extra["MaXa"] == "00379" and second.extra["MaXa"] == "00379" and second.stt == "2"


def test_children_from_csv():
    text = "\ufeffho_ten,ngay_sinh,gioi_tinh,chu_ho\nLê Minh,05/05/2015,1,Lê Văn Hộ\n"
    (child,) = children_from_csv(text)
    assert child == Child(ho_ten="Lê Minh", ngay_sinh="05/05/2015", gioi_tinh="1", chu_ho="Lê Văn Hộ")
    with pytest.raises(DossierError) as caught:
        children_from_csv("ten,ngay\nA,B\n")
    assert caught.value.code == "CHILDREN_CSV_COLUMNS"
    with pytest.raises(DossierError):
        build_children_list(commune_code="00379", commune_name="x", children=[])
