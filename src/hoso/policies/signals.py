"""Keep the cached active policy set true when a policy version is saved or deleted in this process."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hoso.policies.models import PolicyVersion
from hoso.policies.services import forget_compiled_policies


@receiver(post_save, sender=PolicyVersion)
@receiver(post_delete, sender=PolicyVersion)
def _policy_version_changed(**_kwargs) -> None:
    forget_compiled_policies()
