"""Admin for policy versions (publish, activate, read) and channel decisions (read-only evidence)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from hoso.policies import services
from hoso.policies.models import Decision, PolicyVersion
from hoso.policy import PolicyLoadError, load_policy


class PolicyVersionForm(forms.ModelForm):
    """Only the file is typed in: id, version, precedence and titles are read from it."""

    class Meta:
        model = PolicyVersion
        fields = ("content", "source")
        widgets = {
            "content": forms.Textarea(attrs={"rows": 40, "cols": 110, "style": "font-family: monospace"})
        }

    def clean_content(self) -> str:
        content = self.cleaned_data["content"].replace("\r\n", "\n")
        try:
            policy = load_policy(content, known_tags=services.known_tags(), source="")
        except PolicyLoadError as error:
            raise ValidationError(
                [f"{i.line}: {i.message_vi} ({i.message_en})" for i in error.issues]
            ) from None
        if self.instance.pk and (policy.id, policy.version) != (self.instance.policy, self.instance.version):
            raise ValidationError(
                _(
                    "The id and version in the file must stay those of this version; publish a new version instead."
                )
            )
        clash = PolicyVersion.objects.filter(policy=policy.id, version=policy.version)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(
                _("Version %(version)s of policy %(policy)s exists already: increase “version” in the file.")
                % {"version": policy.version, "policy": policy.id}
            )
        if self.instance.pk and self.instance.has_decisions and content != self.instance.content:
            raise ValidationError(
                _("This version has decided dossiers and cannot change: publish a new version.")
            )
        return content


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    form = PolicyVersionForm
    list_display = ("policy", "version", "status", "precedence", "title_vi", "decision_count", "activated_at")
    list_filter = ("status", "policy")
    search_fields = ("policy", "title_vi", "title_en")
    actions = ("activate",)
    readonly_fields = (
        "policy",
        "version",
        "precedence",
        "title_vi",
        "title_en",
        "sha256",
        "status",
        "created_at",
        "activated_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_decisions=Count("decisions"))

    @admin.display(description=_("decisions"), ordering="_decisions")
    def decision_count(self, obj: PolicyVersion) -> int:
        return obj._decisions

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.has_decisions:
            return (*self.readonly_fields, "content", "source")
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.has_decisions)

    def save_model(self, request, obj: PolicyVersion, form, change) -> None:
        content = form.cleaned_data["content"]
        stored = services.store_policy(content, source=obj.source or "admin", activate=False)
        obj.pk = stored.pk
        obj.refresh_from_db()

    @admin.action(description=_("Activate the selected versions"))
    def activate(self, request, queryset) -> None:
        for version in queryset:
            services.activate_version(version)
        self.message_user(request, _("Activated."), level=messages.SUCCESS)


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = (
        "received_at",
        "office_code",
        "channel",
        "procedure_code",
        "submitter_kind",
        "submitter_code",
        "has_certificate",
        "outcome",
        "rule",
        "policy",
        "version",
    )
    list_filter = ("outcome", "channel", "submitter_kind", "policy", "version", "rule", "office_code")
    search_fields = ("submitter_code", "reference", "procedure_code")
    date_hierarchy = "received_at"
    list_select_related = ("policy_version",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
