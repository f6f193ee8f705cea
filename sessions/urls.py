from django.urls import path  # noqa: F401

from sessions import calendar_tab, hub, views

app_name = "photo_sessions"

urlpatterns: list = [
    path("", hub.session_list, name="list"),
    path("export.csv", hub.session_export, name="export"),
    path("advance-status/", hub.advance_status, name="advance_status"),
    # The session record (sessions/views.py).
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/notes/", views.session_notes, name="notes"),
    path("<int:pk>/notes/add/", views.note_add, name="note_add"),
    path("<int:pk>/tasks/", views.session_tasks, name="tasks"),
    path("<int:pk>/tasks/add/", views.task_add, name="task_add"),
    path("<int:pk>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("<int:pk>/status/", views.change_status, name="change_status"),
    path("<int:pk>/confirm/", views.session_confirm, name="confirm"),
    path("<int:pk>/hold/", views.session_hold, name="hold"),
    path("<int:pk>/cancel/", views.session_cancel, name="cancel"),
    path("<int:pk>/no-show/", views.session_no_show, name="no_show"),
    path("<int:pk>/redo/", views.session_redo, name="redo"),
    # The Calendar tab: Advanced Calendar Options (sessions/calendar_tab.py).
    path("<int:pk>/calendar/", calendar_tab.calendar_tab, name="calendar_tab"),
    path("<int:pk>/calendar/add/", calendar_tab.event_add, name="calendar_event_add"),
    path("<int:pk>/calendar/<int:event_id>/edit/", calendar_tab.event_edit, name="calendar_event_edit"),
    path("<int:pk>/calendar/<int:event_id>/hide/", calendar_tab.event_hide, name="calendar_event_hide"),
    path("<int:pk>/calendar/<int:event_id>/remove/", calendar_tab.event_delete, name="calendar_event_delete"),
    path("<int:pk>/calendar/<int:event_id>/copy/", calendar_tab.event_copy, name="calendar_event_copy"),
    path("<int:pk>/calendar/<int:event_id>/make-primary/", calendar_tab.event_make_primary,
         name="calendar_event_make_primary"),
]
