"""The home page (what the gateway knows; for an officer, the shortcuts of their role) and the log-in."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils import timezone

from hoso.reference.calendar import working_calendar
from hoso.reference.catalogue import procedures_on
from hoso.reference.models import CalendarEntry, Commune, IvanProvider, Office, Unit


def home(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    calendar = working_calendar()
    context = {
        "today": today,
        "today_is_working": calendar.is_working_day(today),
        "next_working_day": calendar.add_working_days(today, 1),
        "offices": Office.objects.all(),
        "procedures": procedures_on(today),
        "ivans": IvanProvider.objects.all(),
        "year": year,
        "years": range(2014, 2028),
        "calendar_entries": CalendarEntry.objects.filter(day__year=year),
        "working_days_in_year": calendar.count_working_days(date(year - 1, 12, 31), date(year, 12, 31)),
        "unit_count": Unit.objects.count(),
        "commune_count": Commune.objects.count(),
    }
    return render(request, "desk/home.html", context)


class LoginView(auth_views.LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        from hoso.desk.landing import landing_url

        return landing_url(self.request.user)  # each role's start page; IT (and admin) the IT pages
