from django.contrib import admin

from hoso.reference import models


@admin.register(models.Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "kind", "gso_district_code", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name_vi")


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en")


@admin.register(models.Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("gso_code", "name_vi", "kind", "office")
    list_filter = ("office", "kind")
    search_fields = ("gso_code", "name_vi")


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "tax_code", "office", "active")
    list_filter = ("office", "active")
    search_fields = ("code", "name", "tax_code")


@admin.register(models.IvanProvider)
class IvanProviderAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "active")


@admin.register(models.FormVersion)
class FormVersionAdmin(admin.ModelAdmin):
    list_display = ("label", "name_vi", "decision_title", "valid_from", "valid_to")
    search_fields = ("code", "name_vi")


@admin.register(models.Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "version",
        "name_vi",
        "domain",
        "department",
        "time_limit_days",
        "valid_from",
        "valid_to",
    )
    list_filter = ("domain", "department")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(models.CalendarEntry)
class CalendarEntryAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "name_vi", "source")
    list_filter = ("kind", "source")
    date_hierarchy = "day"


@admin.register(models.CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "seeded_at")


@admin.register(models.Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ("user", "office", "department")
    list_filter = ("office", "department")


@admin.register(models.CertificateRegistration)
class CertificateRegistrationAdmin(admin.ModelAdmin):
    list_display = (
        "unit",
        "commune",
        "ivan",
        "serial",
        "tax_code",
        "registered_from",
        "registered_until",
        "not_after",
    )
    list_filter = ("ivan", "source")
    search_fields = ("unit__code", "commune__gso_code", "serial", "tax_code", "fingerprint_sha256")
    exclude = ("certificate_der",)
