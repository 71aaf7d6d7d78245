from __future__ import annotations

from django.urls import path

from scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("", views.roster_home, name="home"),
    path("me/", views.my_roster, name="my_roster"),
    path("me/leave/", views.add_leave, name="add_leave"),
    path("me/leave/<int:pk>/cancel/", views.cancel_leave, name="cancel_leave"),
    path("me/feed/", views.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("suggest/", views.suggest_roster, name="suggest"),
    path("hours/", views.hours_report, name="hours"),
    path("duty/<slug:slug>/", views.duty_board, name="duty_board"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/cancel/", views.cancel_session, name="cancel_session"),
    path("seats/<int:pk>/book/", views.book_seat, name="book_seat"),
    path("bookings/<int:pk>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("bookings/<int:pk>/swap/", views.offer_swap, name="offer_swap"),
    path("bookings/<int:pk>/take/", views.take_swap, name="take_swap"),
    path("bookings/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("bookings/<int:pk>/attendance/", views.mark_attendance, name="attendance"),
    path("patterns/<int:pk>/toggle/", views.toggle_pattern, name="toggle_pattern"),
    path("<slug:slug>/settings/", views.clinic_settings, name="settings"),
    path("<slug:slug>/sessions/add/", views.add_session, name="add_session"),
    path("<slug:slug>/<int:year>/<int:month>/", views.month_calendar, name="month"),
    path(
        "<slug:slug>/<int:year>/<int:month>/generate/",
        views.generate_sessions,
        name="generate",
    ),
    path("<slug:slug>/<int:year>/<int:month>/publish/", views.publish_month, name="publish"),
]
