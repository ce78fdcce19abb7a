"""I-VAN API keys in the admin: listed and revoked there, never shown (create them with `hoso ivan add`)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoso.api.models import IvanKey


@admin.register(IvanKey)
class IvanKeyAdmin(admin.ModelAdmin):
    list_display = ("ivan", "prefix", "label", "created_at", "revoked_at")
    list_filter = ("ivan", "revoked_at")
    search_fields = ("prefix", "label", "ivan__code", "ivan__name")
    readonly_fields = ("ivan", "prefix", "key_hash", "created_at", "revoked_at")
    fields = ("ivan", "prefix", "label", "key_hash", "created_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # a key is shown once, at creation: `hoso ivan add <code>`

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked keys stay, as the record of who could submit when

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)d key(s) revoked.") % {"count": count}, messages.SUCCESS)
