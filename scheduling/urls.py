from django.urls import path

from scheduling import reminders, views, wizards

app_name = "scheduling"

urlpatterns = [
    # Calendar pages (scheduling/views.py).
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/me/", views.my_calendar, name="my_calendar"),
    path("calendar/staff/<int:user_id>/", views.staff_calendar, name="staff_calendar"),
    path("calendar/resources/<int:resource_id>/", views.resource_calendar, name="resource_calendar"),
    path("calendar/feed/regenerate/", views.regenerate_ical_token, name="regenerate_ical_token"),
    # Scheduling Wizard, Session Wizard and free slots (scheduling/wizards.py).
    path("schedule/new/", wizards.scheduling_wizard, name="wizard"),
    path("schedule/slots/", wizards.free_slots, name="free_slots"),
    path("clients/<int:client_id>/sessions/wizard/", wizards.session_wizard, name="session_wizard"),
    # On-screen reminders (scheduling/reminders.py, polled by static/js/reminders.js).
    path("reminders/due.json", reminders.reminders_due, name="reminders_due"),
    path("reminders/<int:session_id>/dismiss/", reminders.reminder_dismiss, name="reminder_dismiss"),
    # iCal feeds: no login, the token in the URL is the key.
    path("feeds/staff/<str:token>.ics", views.staff_feed, name="staff_feed"),
    path("feeds/resources/<str:token>.ics", views.resource_feed, name="resource_feed"),
]
