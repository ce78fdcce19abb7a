"""The officer's own account: password and two-step log-in (``/tai-khoan/…``)."""

from django.urls import path

from hoso.accounts import enrolment, passwords, verification

app_name = "accounts"
urlpatterns = [
    path("mat-khau/", passwords.PasswordChange.as_view(), name="password_change"),
    path("quen-mat-khau/", passwords.PasswordReset.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", passwords.PasswordResetSent.as_view(), name="password_reset_sent"),
    path(
        "dat-lai/<uidb64>/<token>/", passwords.PasswordResetConfirm.as_view(), name="password_reset_confirm"
    ),
    path("dat-lai/xong/", passwords.PasswordResetComplete.as_view(), name="password_reset_complete"),
    path("xac-thuc-hai-buoc/", enrolment.two_factor, name="two_factor"),
    path("ma-xac-thuc/", verification.verify, name="two_factor_verify"),
]
