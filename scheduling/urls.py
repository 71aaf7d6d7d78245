from __future__ import annotations

from django.urls import path

from scheduling.views import (
    bookings,
    duty_board,
    feeds,
    hours,
    leave,
    sessions,
    statements,
    suggestions,
)

app_name = "scheduling"

urlpatterns = [
    path("", sessions.roster_home, name="roster_home"),
    path("me/", bookings.my_roster, name="my_roster"),
    path("me/leave/", leave.add_leave, name="add_leave"),
    path("me/leave/<int:pk>/cancel/", leave.cancel_leave, name="cancel_leave"),
    path("me/feed/", feeds.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", feeds.feed, name="feed"),
    path("suggest/", suggestions.suggest_roster, name="suggest_roster"),
    path("hours/", hours.hours_report, name="hours_report"),
    path("statements/", statements.duty_statements, name="duty_statements"),
    path("statements/<int:pk>/", statements.duty_statement, name="duty_statement"),
    path(
        "statements/<int:pk>/confirm/",
        statements.confirm_duty_statement,
        name="confirm_duty_statement",
    ),
    path("duty/<slug:slug>/", duty_board.duty_board, name="duty_board"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/cancel/", sessions.cancel_session, name="cancel_session"),
    path("seats/<int:pk>/book/", bookings.book_seat, name="book_seat"),
    path("seats/<int:pk>/assign/", bookings.assign_seat, name="assign_seat"),
    path("bookings/<int:pk>/cancel/", bookings.cancel_booking, name="cancel_booking"),
    path("bookings/<int:pk>/swap/", bookings.offer_swap, name="offer_swap"),
    path("bookings/<int:pk>/take/", bookings.take_swap, name="take_swap"),
    path("bookings/<int:pk>/check-in/", bookings.check_in, name="check_in"),
    path("bookings/<int:pk>/undo-check-out/", bookings.undo_check_out, name="undo_check_out"),
    path("bookings/<int:pk>/attendance/", bookings.mark_attendance, name="mark_attendance"),
    path("patterns/<int:pk>/toggle/", sessions.toggle_pattern, name="toggle_pattern"),
    path("<slug:slug>/settings/", sessions.clinic_settings, name="clinic_settings"),
    path("<slug:slug>/sessions/add/", sessions.add_session, name="add_session"),
    path("<slug:slug>/<int:year>/<int:month>/", sessions.month_calendar, name="month_calendar"),
    path(
        "<slug:slug>/<int:year>/<int:month>/generate/",
        sessions.generate_sessions,
        name="generate_sessions",
    ),
    path(
        "<slug:slug>/<int:year>/<int:month>/publish/", sessions.publish_month, name="publish_month"
    ),
]
