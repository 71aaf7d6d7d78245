"""The product's three journeys, end to end in Chromium, in Chinese, each person signing in
through the sign-in page on their own device."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

pytestmark = pytest.mark.django_db(transaction=True)


def _stats_row(page: Any, community: str) -> dict[str, str]:
    headers = page.locator("table.stats thead th").all_inner_texts()
    cells = page.locator("table.stats tbody tr", has_text=community).first.locator("th, td")
    return dict(zip(headers, cells.all_inner_texts(), strict=True))


def test_walk_in_advice_is_logged_in_one_form_and_counted_as_advice(journey: Any) -> None:
    from cases.models import Case

    mediator = journey("mediator")
    mediator.go("/cases/advice/")
    page = mediator.page
    page.select_option("[name=dispute_type]", "labour")
    page.fill("[name=question]", "公司拖欠三个月工资，应该先找谁？")
    page.fill("[name=answer]", "可先向劳动保障监察大队投诉，或申请劳动仲裁；已告知所需材料。")
    page.fill("[name=name]", "陈师傅")
    mediator.shot("advice-form")
    mediator.submit()
    case = Case.objects.get(kind="advice")
    assert page.url.endswith(case.get_absolute_url())
    assert "公司拖欠三个月工资" in page.content()
    mediator.shot("advice-recorded")

    mediator.go("/cases/")
    assert page.locator(f"a[href='{case.get_absolute_url()}']").count() == 1
    mediator.shot("case-list")

    street = journey("street")
    street.go("/cases/statistics/")
    row = _stats_row(street.page, "金江路社区")
    assert row["法律咨询"] == "1" and row["受理数"] == "0" and row["调解成功"] == "0"
    street.shot("statistics")


def test_a_judge_books_a_shift_seen_on_the_duty_board_and_in_the_calendar(journey: Any) -> None:
    from clinic.models import Clinic
    from scheduling import actions
    from scheduling.choices import SessionKind, SessionStatus
    from scheduling.models import Booking

    day = timezone.localdate() + timedelta(days=1)
    start = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9, 0))
    sessions = {
        slug: actions.do_create_session(
            Clinic.objects.get(slug=slug),
            starts_at=start + timedelta(minutes=30 * n),
            ends_at=start + timedelta(hours=2, minutes=30 * n),
            place="调解室",
            kind=SessionKind.REGULAR,
            status=SessionStatus.PUBLISHED,
        )
        for n, slug in enumerate(["jinjianglu", "beichen"])
    }

    judge = journey("judge")
    page = judge.page
    judge.go(sessions["jinjianglu"].get_absolute_url())
    judge.shot("session")
    page.locator("form[action$='/book/'] button").first.click()
    page.wait_for_load_state()
    assert Booking.objects.filter(person__username="judge", status="active").count() == 1
    assert "已预约" in page.content()
    judge.shot("booked")

    # The same judge cannot also take the overlapping shift at 北辰社区.
    judge.go(sessions["beichen"].get_absolute_url())
    page.locator("form[action$='/book/'] button").first.click()
    page.wait_for_load_state()
    assert "时间冲突" in page.content() or "已有安排" in page.content()
    assert Booking.objects.filter(person__username="judge", status="active").count() == 1
    judge.shot("overlap-refused")

    # The duty board at the clinic's door, without signing in.
    board = judge.context.browser.new_context(viewport={"width": 1280, "height": 900})
    door = board.new_page()
    door.goto(f"{judge.base}/roster/duty/jinjianglu/")
    assert "王志刚" in door.content() or "法官" in door.content()
    door.screenshot(path=str(judge.folder / "99-duty-board.png"), full_page=True)
    board.close()

    # The calendar feed of the judge's own shifts.
    judge.go("/roster/me/feed/")
    link = page.locator(".feed-url code").inner_text()
    path = link[link.index("/roster/feed/") :]
    calendar = judge.get(path)
    assert calendar.status == 200 and "BEGIN:VEVENT" in calendar.text()
    assert "金江路" in calendar.text()
    judge.shot("feed")


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 120, 90)).save(out, format="JPEG")
    return out.getvalue()
