"""Keep the cached working calendar true when an administrator edits it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hoso.reference.calendar import forget_working_calendar
from hoso.reference.catalogue import forget_procedures
from hoso.reference.models import CalendarEntry, OfficeHours, Procedure


@receiver(post_save, sender=CalendarEntry)
@receiver(post_delete, sender=CalendarEntry)
@receiver(post_save, sender=OfficeHours)
@receiver(post_delete, sender=OfficeHours)
def _calendar_changed(**_kwargs) -> None:
    forget_working_calendar()


@receiver(post_save, sender=Procedure)
@receiver(post_delete, sender=Procedure)
def _catalogue_changed(**_kwargs) -> None:
    forget_procedures()
