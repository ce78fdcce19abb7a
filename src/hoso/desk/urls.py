from django.contrib.auth import views as auth_views
from django.urls import path

from hoso.desk import apologies, breaches, control_sheets, it, queues, reception, views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(next_page="desk:login"), name="logout"),
    path("tiep-nhan/", reception.reception, name="reception"),
    path("tiep-nhan/<uuid:public_id>/", reception.submission, name="submission"),
    path("tiep-nhan/<uuid:public_id>/in/", reception.print_paper, name="print"),
    path("ho-so/", queues.queue, name="queue"),
    path("ho-so/<int:pk>/", queues.dossier_page, name="dossier"),
    path("ho-so/<int:pk>/tep/<str:key>/", queues.attachment, name="attachment"),
    path("ho-so/<int:pk>/<slug:action>/", queues.act, name="act"),
    path("tra-ket-qua/", queues.handover, name="handover"),
    path("vi-pham-thoi-han/", breaches.breaches, name="breaches"),
    path("xin-loi/", apologies.apologies, name="apologies"),
    path("xin-loi/<int:pk>/", apologies.apology_print, name="apology_print"),
    path("ho-so/<int:pk>/in/mau-05/", control_sheets.control_sheet, name="control_sheet"),
    path("so-theo-doi/", control_sheets.tracking_log, name="tracking_log"),
    path("tra-cuu/", queues.lookup, name="lookup"),
    path("cntt/chinh-sach/", it.policies, name="it_policies"),
    path("cntt/tin-cay/", it.trust, name="it_trust"),
    path("cntt/ivan/", it.ivans, name="it_ivans"),
    path("cntt/dang-ky/", it.registrations, name="it_registrations"),
    path("cntt/cong-quoc-gia/", it.portal, name="it_portal"),
]

# The typed paper dossier's look-up of the submitter by code (issue 20, item 2).
from hoso.desk import submitters  # noqa: E402

urlpatterns += [
    path("tiep-nhan/nguoi-nop/", submitters.lookup, name="submitter_lookup"),
]

# Each role's start page (the error pages' "back to your work"), and the queue as a file (issue 20, items 7, 9).
from hoso.desk import landing, queue_export  # noqa: E402

urlpatterns += [
    path("trang-lam-viec/", landing.landing, name="landing"),
    path("ho-so/tai-ve.<str:fmt>", queue_export.export, name="queue_export"),
]

# Papers of Circular 01/2018/TT-VPCP and the receipt's number read by a scanner (issue 20, item 5).
from hoso.desk import numbers, supplement_print  # noqa: E402

urlpatterns += [
    path("ho-so/<int:pk>/in/phieu-bo-sung/", supplement_print.supplement_request, name="supplement_print"),
    path("tra-ket-qua/tim/", numbers.handover_find, name="handover_find"),
    path("tra-cuu/tim/", numbers.lookup_find, name="lookup_find"),
]
