from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model, password_validation
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hoso.accounts import temporary
from hoso.reference import models
from hoso.reference.roles import ROLES, STAFF_ROLES, ensure_roles

# The admin is hoso's, not "Django's" (issue 21, item 5).
admin.site.site_header = _("hoso — administration of the e-dossier gateway")
admin.site.site_title = _("hoso administration")
admin.site.index_title = _("Administration")


class ImportFromFile:
    """An admin whose change list offers *Nhập từ tệp*: the bulk import's IT page (issue 21, item 6;
    :mod:`hoso.reference.importing.views`) at ``<model>/import/``."""

    import_kind = ""
    change_list_template = "admin/reference/change_list_import.html"

    def get_urls(self):
        from hoso.reference.importing.views import import_page

        def view(request):
            return import_page(self, request, self.import_kind)

        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_import"
        return [path("import/", self.admin_site.admin_view(view), name=name), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        from hoso.reference.importing.views import permissions

        may_import = request.user.has_perms(permissions(self.import_kind))
        return super().changelist_view(request, {**(extra_context or {}), "may_import": may_import})


@admin.register(models.Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "kind", "gso_district_code", "agency_code", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name_vi")


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en")


@admin.register(models.Commune)
class CommuneAdmin(ImportFromFile, admin.ModelAdmin):
    import_kind = "communes"
    list_display = ("gso_code", "name_vi", "kind", "office")
    list_filter = ("office", "kind")
    search_fields = ("gso_code", "name_vi")


@admin.register(models.Unit)
class UnitAdmin(ImportFromFile, admin.ModelAdmin):
    import_kind = "units"
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
        "national_code",
        "valid_from",
        "valid_to",
    )
    list_filter = ("domain", "department")
    search_fields = ("code", "name_vi", "name_en", "national_code")


@admin.register(models.NationalCodeLayout)
class NationalCodeLayoutAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "template", "note")


@admin.register(models.CalendarEntry)
class CalendarEntryAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "name_vi", "source")
    list_filter = ("kind", "source")
    date_hierarchy = "day"


@admin.register(models.OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "morning_start", "morning_end", "afternoon_start", "afternoon_end", "note")


@admin.register(models.CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "seeded_at")


@admin.register(models.Officer)
class OfficerAdmin(ImportFromFile, admin.ModelAdmin):
    """An officer in one step (issue 21, item 5): the add page makes the user (name, password checked
    by Django's validators), gives the role's group and writes the officer record; the change page edits
    the office and department."""

    import_kind = "officers"
    list_display = ("user", "full_name", "roles", "office", "department")
    list_filter = ("office", "department", "user__groups")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "office", "department")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OfficerCreationForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (_("Account"), {"fields": ["username", "last_name", "first_name", "email", "password1",
                                           "password2"]}),
                (_("Work"), {"fields": ["role", "office", "department"]}),
            ]  # fmt: skip
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # the password IT typed is temporary: changed at the officer's first log-in
            temporary.set_by_it(obj.user, request, temporary.Where.NEW_ACCOUNT)

    @admin.display(description=_("full name"), ordering="user__last_name")
    def full_name(self, officer) -> str:
        return officer.user.get_full_name()

    @admin.display(description=_("role"))
    def roles(self, officer) -> str:
        labels = {name: _role_label(name) for name in ROLES}
        return ", ".join(str(labels.get(g.name, g.name)) for g in officer.user.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("user__groups")


def _role_label(name: str):
    vi, en = ROLES[name]
    return vi if get_language() == "vi" else en


class OfficerCreationForm(forms.ModelForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    last_name = forms.CharField(label=_("family and middle name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("given name"), max_length=150, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput, strip=False)
    role = forms.ChoiceField(label=_("role"))

    class Meta:
        model = models.Officer
        fields = ["office", "department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(name, _role_label(name)) for name in ROLES]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("An account with this user name exists already."))
        return username

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = get_user_model()(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def save(self, commit=True):
        data = self.cleaned_data
        user = get_user_model()(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            is_staff=data["role"] in STAFF_ROLES,
        )
        user.set_password(data["password1"])
        user.save()
        user.groups.add(ensure_roles()[data["role"]])
        officer = super().save(commit=False)
        officer.user = user
        if commit:
            officer.save()
        return officer


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
