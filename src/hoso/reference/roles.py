"""The roles as data (issue 21, item 5): the groups ``docs/desk-guide.md`` names, with the admin
permissions each needs, created by ``hoso init`` (:func:`ensure_roles`, idempotent).

What an officer may do on the desk pages is decided by the group's *name* (``hoso.workflow.access``);
the permissions below only open the admin's pages to the staff who need them (IT, the director). A
permission IT gives a group by hand is kept: :func:`ensure_roles` adds, never removes.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ROLES: dict[str, tuple[str, str]] = {
    # group name: (Vietnamese label, English label)
    "desk_officer": ("Cán bộ một cửa", "Desk officer"),
    "department_officer": ("Cán bộ phòng nghiệp vụ", "Department officer"),
    "office_head": ("Lãnh đạo cơ quan BHXH", "Office head"),
    "it_admin": ("Quản trị CNTT", "IT administrator"),
    "director": ("Giám đốc", "Director"),
}

# Roles whose officers use the admin (is_staff).
STAFF_ROLES = frozenset({"it_admin", "director"})

_REFERENCE = [
    "office",
    "department",
    "commune",
    "unit",
    "ivanprovider",
    "formversion",
    "procedure",
    "calendarentry",
    "calendaryear",
    "officehours",
    "officer",
    "certificateregistration",
    "nationalcodelayout",
]
_IT_EDITS = ["office", "department", "commune", "unit", "ivanprovider", "officer", "certificateregistration",
             "calendarentry", "officehours", "nationalcodelayout"]  # fmt: skip

PERMISSIONS: dict[str, list[str]] = {
    "desk_officer": ["reference.view_unit", "reference.view_commune", "reference.view_procedure"],
    "department_officer": ["reference.view_unit", "reference.view_commune", "reference.view_procedure"],
    "office_head": [
        "reference.view_unit",
        "reference.view_commune",
        "reference.view_procedure",
        "reference.view_officer",
    ],
    "director": [f"reference.view_{model}" for model in _REFERENCE]
    + ["policies.view_policyversion", "policies.view_decision", "api.view_ivankey"],
    "it_admin": [f"reference.view_{model}" for model in _REFERENCE]
    + [f"reference.{verb}_{model}" for model in _IT_EDITS for verb in ("add", "change")]
    + [
        "reference.delete_certificateregistration",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "policies.view_policyversion",
        "policies.view_decision",
        "api.view_ivankey",
        "api.add_ivankey",
        "api.change_ivankey",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",  # unlock an account or an address (hoso.accounts.lockout)
        "axes.view_accessfailurelog",
        # An officer's lost phone: IT removes the app (then recovery codes) so that they set it up again
        # (hoso.accounts.twofactor); the admin never shows the secrets (OTP_ADMIN_HIDE_SENSITIVE_DATA).
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        "otp_static.view_staticdevice",
        "otp_static.delete_staticdevice",
        # Temporary passwords IT set (hoso.accounts.temporary): see who still owes a change, or waive it.
        "accounts.view_temporarypassword",
        "accounts.delete_temporarypassword",
    ],
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Every role's group, with at least its permissions (run after ``migrate``, which creates them)."""
    groups = {}
    for name in ROLES:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*(_permission(dotted) for dotted in PERMISSIONS[name]))
        groups[name] = group
    return groups
