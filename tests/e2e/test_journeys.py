"""The product's three journeys, end to end in Chromium, in Chinese, each person signing in
through the sign-in page on their own device."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from cases.models import Case, FollowUp, JointConsultation, VisitRequest
from clinic.models import Clinic, User
from scheduling import actions
from scheduling.choices import SessionKind, SessionStatus
from scheduling.models import Booking

pytestmark = pytest.mark.django_db(transaction=True)


def _stats_row(page: Any, community: str) -> dict[str, str]:
    table = page.locator("section[aria-labelledby=per-community-heading] table.stats")
    headers = table.locator("thead th").all_inner_texts()
    cells = table.locator("tbody tr", has_text=community).first.locator("th, td")
    return dict(zip(headers, cells.all_inner_texts(), strict=True))


def test_walk_in_advice_is_logged_in_one_form_and_counted_as_advice(journey: Any) -> None:
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
    day = timezone.localdate() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=timezone.get_current_timezone())
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


def test_a_home_visit_becomes_a_dispute_settled_in_the_community(
    journey: Any, tmp_path: Any, request: pytest.FixtureRequest
) -> None:
    """Days pass in it: the clock moves to the visit, then to the consultation's meeting (an
    outcome follows the visit's start, a conclusion the meeting); whoever acts after a move
    signs in again, as their half-hour session has lapsed."""
    people = {u.username: u for u in User.objects.all()}

    # 1. The grid worker, on the street with a phone, asks for a home visit with a photo.
    grid = journey("gridworker", phone=True)
    page = grid.page
    grid.go("/cases/visits/new/")
    page.select_option("[name=grid]", index=1)
    page.fill("[name=resident_name]", "王奶奶")
    page.fill("[name=resident_phone]", "13577778888")
    page.fill("[name=address]", "金江路社区 3 栋")
    page.fill("[name=room]", "1 单元 201")
    page.check("[name=elderly_alone]")
    page.fill("[name=problem]", "儿子长期不给赡养费，老人行动不便，希望上门调解")
    page.select_option("[name=dispute_type]", "marriage_family")
    page.select_option("[name=risk]", "orange")
    photo = tmp_path / "门口.jpg"
    photo.write_bytes(_photo())
    page.set_input_files("[name=photos]", str(photo))
    grid.shot("request-visit")
    grid.submit()
    visit = VisitRequest.objects.get()
    assert visit.reference in page.content() and visit.photos.count() == 1
    grid.shot("requested")

    # 2. The coordinator schedules it from the triage board.
    coordinator = journey("coordinator")
    page = coordinator.page
    coordinator.go("/cases/visits/")
    assert visit.reference in page.content()
    coordinator.shot("triage-board")
    page.click(f"a[href$='/visits/{visit.pk}/schedule/']")
    page.wait_for_load_state()
    day = timezone.localdate() + timedelta(days=1)
    page.fill("[name=day]", day.isoformat())
    page.fill("[name=starts]", "14:00")
    page.fill("[name=ends]", "15:30")
    page.fill("[name=place]", "金江路社区 3 栋 1 单元 201")
    page.check(f"[name=professionals][value='{people['lawyer'].pk}:lawyer']")
    coordinator.submit()
    visit.refresh_from_db()
    assert visit.status == "scheduled"

    # 3. The lawyer visits, records the outcome and opens a dispute in patrol.
    assert visit.visit_starts_at is not None
    clock = time_machine.travel(visit.visit_starts_at + timedelta(minutes=30), tick=True)
    hands = clock.start()
    request.addfinalizer(clock.stop)
    lawyer = journey("lawyer", phone=True)
    page = lawyer.page
    lawyer.go(f"/cases/visits/{visit.pk}/outcome/")
    page.check("[name=outcome][value=dispute]")
    page.fill("[name=note]", "双方同意由社区人民调解委员会调解")
    page.fill("[name=respondent_name]", "王大军")
    page.fill("[name=respondent_phone]", "13611112222")
    page.check("[name=applicant_consented]")
    page.check("[name=respondent_consented]")
    lawyer.shot("visit-outcome")
    lawyer.submit()
    case = Case.objects.get()
    assert case.state == "patrol" and case.number

    # 4. The mediator convenes a joint consultation with the judge and the police officer.
    mediator = journey("mediator")
    page = mediator.page
    mediator.go(f"/cases/{case.pk}/")
    assert case.number in page.content()
    mediator.shot("case-in-patrol")
    mediator.go(f"/cases/{case.pk}/step/convene/")
    page.fill("[name=question]", "赡养费数额如何确定？是否需要司法确认？")
    page.check(f"[name=invitees][value='{people['judge'].pk}:judge']")
    page.check(f"[name=invitees][value='{people['police'].pk}:police']")
    page.fill("[name=place]", "金江路社区诊所调解室")
    meeting = timezone.localtime() + timedelta(days=2)
    page.fill("[name=slot1]", meeting.strftime("%Y-%m-%dT15:00"))
    page.fill("[name=hours]", "1.5")
    mediator.submit()
    consultation = JointConsultation.objects.get(case=case)
    url = f"/cases/consultations/{consultation.pk}/"

    professionals = {username: journey(username) for username in ("judge", "police")}
    for professional in professionals.values():
        professional.go(url)
        professional.page.check("[name=answer][value=accepted]")
        professional.page.locator("[name=slots]").first.check()
        professional.submit("main form[method=post]:has([name=answer])")
        professional.shot("invitation-accepted")

    mediator.go(url)
    page.locator("[name=slot]").first.check()
    mediator.submit("main form[method=post]:has([name=slot])")
    for username, opinion in [
        ("judge", "建议参照昆明市城镇居民人均消费支出确定，每月 800 元为宜"),
        ("police", "注意防范家庭矛盾激化，必要时联系派出所"),
    ]:
        professional = professionals[username]
        professional.go(url)
        professional.page.fill("[name=opinion]", opinion)
        professional.submit("main form[method=post]:has([name=opinion])")
        assert opinion in professional.page.content()
    consultation.refresh_from_db()
    assert consultation.meeting is not None
    hands.move_to(consultation.meeting.starts_at + timedelta(hours=2))
    mediator = journey("mediator")
    page = mediator.page
    mediator.go(f"/cases/{case.pk}/step/conclude/")
    page.fill("[name=joint_opinion]", "赡养费每月 800 元，于每月 5 日前支付")
    page.fill("[name=attended]", "王志刚、刘强、张丽")
    mediator.submit()
    case.refresh_from_db()
    assert case.state == "patrol"

    # 5. The mediator records the written agreement, has it signed, downloads the PDF and
    #    settles, handing the follow-up to the grid worker.
    mediator.go(f"/cases/{case.pk}/agreements/add/")
    page.select_option("[name=form]", "written")
    page.fill("[name=facts]", "王大军长期未支付母亲王奶奶的赡养费")
    page.fill("[name=responsibilities]", "王大军负有赡养义务")
    page.fill("[name=terms]", "王大军每月 5 日前向王奶奶支付赡养费人民币 800 元")
    page.fill("[name=performance_manner]", "银行转账")
    page.fill("[name=copies]", "3")
    mediator.submit()
    agreement = case.agreements.latest("pk")
    mediator.go(f"/cases/agreements/{agreement.pk}/sign/")
    page.fill("[name=signed_on]", timezone.localdate().isoformat())
    mediator.submit()
    pdf = mediator.get(f"/cases/{case.pk}/documents/agreement.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "人民调解协议书" in text.replace(" ", "") and "800" in text
    (grid.folder / "agreement.pdf").write_bytes(pdf.body())
    mediator.go(f"/cases/{case.pk}/step/settle/")
    page.select_option("[name=follow_up_assignee]", str(people["gridworker"].pk))
    mediator.shot("settle")
    mediator.submit()
    case.refresh_from_db()
    assert case.state == "follow_up"

    # 6. The grid worker records the follow-up: the agreement is being performed.
    follow_up = FollowUp.objects.get(case=case)
    grid = journey("gridworker", phone=True)
    grid.go(f"/cases/follow-ups/{follow_up.pk}/")
    page = grid.page
    page.select_option("[name=method]", "visit")
    page.select_option("[name=performance]", "full")
    page.select_option("[name=satisfaction]", "5")
    page.fill("[name=findings]", "王大军已按约转账，老人表示满意")
    grid.shot("follow-up")
    grid.submit()
    case.refresh_from_db()
    assert case.state == "closed"

    # 7. The street officer sees it settled in the community, on the page and in the XLSX.
    street = journey("street")
    street.go("/cases/statistics/")
    row = _stats_row(street.page, "金江路社区")
    assert row["调解成功"] == "1"
    assert row["社区 / 街道 / 调解不成 / 上交"].startswith("100.0%")
    street.shot("statistics")
    link = street.page.locator("a[href*='export.xlsx']").get_attribute("href")
    book = load_workbook(io.BytesIO(street.get(link).body()), read_only=True)
    sheet = book["矛盾不上交"]
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r and "社区化解" in [str(c) for c in r])
    line = next(r for r in rows if r and r[0] == "金江路社区")
    assert line[[str(c) for c in header].index("社区化解")] == 1
