"""The admin's pages of accounts, with the temporary password IT sets (:mod:`hoso.accounts.temporary`)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from hoso.accounts import temporary
from hoso.accounts.models import TemporaryPassword

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Django's user admin; a password IT sets on the password page, or with a new account, is
    temporary."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            temporary.set_by_it(obj, request, temporary.Where.NEW_ACCOUNT)

    def construct_change_message(self, request, form, formsets, add=False):
        # The password page's one hook after a successful save that sees both who (the request) and
        # whose password (the form); Django's view is kept whole.
        if isinstance(form, AdminPasswordChangeForm):
            temporary.set_by_it(form.user, request, temporary.Where.PASSWORD_PAGE)
        return super().construct_change_message(request, form, formsets, add)


@admin.register(TemporaryPassword)
class TemporaryPasswordAdmin(admin.ModelAdmin):
    """Who still has a password IT set: seen, or deleted to waive the change (logged on hoso.auth)."""

    list_display = ("user", "set_at", "set_by", "where")
    list_select_related = ("user", "set_by")
    search_fields = ("user__username",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        temporary.cleared(obj.user, request, f"waived in the admin by {request.user.get_username()!r}")

    def delete_queryset(self, request, queryset):
        for row in queryset.select_related("user"):
            self.delete_model(request, row)
