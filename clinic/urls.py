"""The project's URLs. Each app's pages live under its own prefix."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from clinic import views
from clinic.committees.urls import committee_patterns
from clinic.notify import pages as notify_pages
from clinic.notify import views as robot_views

clinic_patterns = [
    path("", views.home, name="home"),
    path("home/<str:role>/", views.home_role, name="home_role"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("inbox/", views.notifications, name="notifications"),
    path("inbox/<int:pk>/open/", views.open_notification, name="open_notification"),
    path("inbox/settings/", notify_pages.notice_settings, name="notice_settings"),
    path("people/", views.people, name="people"),
    path("people/add/", views.add_person, name="add_person"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/edit/", views.edit_person, name="edit_person"),
    path("people/<int:pk>/roles/", views.grant_role, name="grant_role"),
    path("people/<int:pk>/deactivate/", views.deactivate_person, name="deactivate_person"),
    path("people/<int:pk>/reactivate/", views.reactivate_person, name="reactivate_person"),
    path("roles/<int:pk>/end/", views.end_role, name="end_role"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("holidays/", views.holidays, name="holidays"),
    path("holidays/save/", views.save_holiday, name="save_holiday"),
    path("holidays/import/", views.import_holidays, name="import_holidays"),
    path("holidays/official/", views.confirm_holiday_year, name="confirm_holiday_year"),
    path("holidays/<int:pk>/delete/", views.delete_holiday, name="delete_holiday"),
    *committee_patterns,
    path("communities/<int:community_pk>/robots/", robot_views.robots, name="robots"),
    path("communities/<int:community_pk>/robots/add/", robot_views.add_robot, name="add_robot"),
    path(
        "communities/<int:community_pk>/robots/test/", robot_views.test_robots, name="test_robots"
    ),
    path("robots/<int:pk>/switch/", robot_views.switch_robot, name="switch_robot"),
]

urlpatterns = [
    path("", include((clinic_patterns, "clinic"))),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/password_change.html",
            success_url="/password/done/",
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/password_reset_form.html",
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("login/code/", views.two_factor_verify, name="two_factor_verify"),
    path("account/two-step/", views.two_factor_setup, name="two_factor_setup"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("cases/", include("cases.urls")),
    path("roster/", include("scheduling.urls")),
    path("admin/", admin.site.urls),
]

#: A refusal that says why (``reason``) shows it on the 403 page.
handler403 = "clinic.views.permission_denied"
