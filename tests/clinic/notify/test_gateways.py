"""The outbound gateways as they are spoken to: the template-SMS gateway and the WeCom and
DingTalk group robots, played by a stub HTTP server on loopback that records each request and
answers from a script. A template SMS carries only the approved template, its short parameters,
the signature and the number; a gateway that is down loses nothing (the retry sends it once);
the daily cap holds back the third of a kind to one number; a refused template is not retried;
a robot's key stays out of the log; everything goes through the egress proxy when one is set."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.models import Community, Delivery, GroupRobot, Notification, User
from clinic.notify import dispatch
from clinic.notify.dispatch import notify, notify_group
from clinic.notify.models import Channel, RobotProvider
from clinic.notify.notices import Kind, Notice, register
from tests.conftest import person

pytestmark = pytest.mark.django_db

register(
    # msgids the catalogue already translates (no test-only strings in it)
    Notice("tests.sms", _("Follow-up visit for %(case)s"), Kind.VISIT, sms=("case",)),
    Notice(
        "tests.group",
        _("Follow-up visit for %(case)s"),
        Kind.VISIT,
        body=_("%(note)s"),
        group=True,
    ),
)

CASE = "(2026)盘金人调字第3号"
KEY = "6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3ab12"


# --- The stub server ------------------------------------------------------------------------


@dataclass
class Seen:
    """One request the stub received, and what it answered."""

    path: str  # as on the request line: an absolute address when it acted as a proxy
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int


@dataclass
class Stub:
    """A gateway on loopback: ``answers`` is the script of (status, JSON) it answers with in
    turn (then 200 ``{"code": 0, "errcode": 0}``); ``seen`` what it received."""

    url: str
    answers: list[tuple[int, Any]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)

    def accepted(self) -> list[Seen]:
        return [request for request in self.seen if request.status == 200]


@pytest.fixture
def stub() -> Iterator[Stub]:
    lock = threading.Lock()
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    box = Stub(url=f"http://127.0.0.1:{server.server_address[1]}")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                status, answer = box.answers.pop(0) if box.answers else (200, None)
                if answer is None:
                    answer = {"code": 0, "errcode": 0, "errmsg": "ok"}
                parts = urlsplit(self.path)
                box.seen.append(
                    Seen(
                        path=self.path,
                        query={k: v[0] for k, v in parse_qs(parts.query).items()},
                        headers=dict(self.headers.items()),
                        body=json.loads(raw or b"null"),
                        status=status,
                    )
                )
            out = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --- The world ------------------------------------------------------------------------------


@pytest.fixture
def gateway(demo: None, settings: Any, stub: Stub) -> Stub:
    settings.CLINIC_SMS_BACKEND = "http"
    settings.CLINIC_SMS_URL = f"{stub.url}/sms/send"
    settings.CLINIC_SMS_SIGN = "盘龙司法"
    settings.CLINIC_SMS_TOKEN = "t"
    settings.CLINIC_SMS_TEMPLATES = {"tests.sms": "SMS_001"}
    settings.CLINIC_SMS_DAILY_CAP = 50
    settings.CLINIC_EGRESS_PROXY = ""
    settings.CLINIC_ROBOT_BACKEND = "http"
    settings.CLINIC_WECOM_URL = f"{stub.url}/cgi-bin/webhook/send"
    settings.CLINIC_DINGTALK_URL = f"{stub.url}/robot/send"
    settings.CLINIC_SITE_URL = "https://clinic.example.org"
    for username, phone in (("mediator", "13708710003"), ("coordinator", "13708710002")):
        User.objects.filter(username=username).update(phone=phone, email="")
    return stub


def send_sms(
    captured: Any, user: User, *, key: str = "visit:1", template: str = "tests.sms"
) -> Delivery:
    with captured(execute=True), transaction.atomic():
        notify(template, {"case": CASE}, [user], key=key, url="/cases/21/")
    return Delivery.objects.filter(channel=Channel.SMS).latest("pk")


def robot(provider: str = RobotProvider.WECOM, key: str = KEY) -> GroupRobot:
    return GroupRobot.objects.create(
        community=Community.objects.get(name="金江路社区"),
        name="金江路法律顾问群",
        provider=provider,
        key=key,
        added_by=person("coordinator"),
    )


def send_group(captured: Any, note: str = "请到社区诊所") -> Delivery:
    with captured(execute=True), transaction.atomic():
        notify_group(
            "tests.group",
            {"case": CASE, "note": note},
            Community.objects.get(name="金江路社区"),
            url="/cases/21/",
        )
    return Delivery.objects.filter(channel=Channel.ROBOT).latest("pk")


# --- Template SMS ---------------------------------------------------------------------------


def test_an_sms_carries_the_template_its_parameters_the_signature_and_the_number_only(
    gateway: Stub, django_capture_on_commit_callbacks: Any
) -> None:
    delivery = send_sms(django_capture_on_commit_callbacks, person("mediator"))

    [request] = gateway.seen
    assert urlsplit(request.path).path == "/sms/send"
    assert request.headers["Authorization"] == "Bearer t"
    assert request.body == {
        "sign": "盘龙司法",
        "template": "SMS_001",
        "phone": "13708710003",
        "params": {"case": CASE},
    }
    assert all(len(v) <= dispatch.SMS_PARAM_MAX for v in request.body["params"].values())
    assert "title" not in request.body and "body" not in request.body
    assert "回访" not in json.dumps(request.body, ensure_ascii=False)  # no free text
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and delivery.address == "137****0003"


def test_a_long_parameter_is_cut_to_what_the_gateway_takes(
    gateway: Stub, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify("tests.sms", {"case": "很长" * 30}, [person("mediator")], key="long")

    [request] = gateway.seen
    assert request.body["params"] == {"case": ("很长" * 30)[: dispatch.SMS_PARAM_MAX]}


def test_an_sms_refused_while_the_gateway_is_down_is_sent_once_it_is_back(
    gateway: Stub, django_capture_on_commit_callbacks: Any
) -> None:
    gateway.answers = [(503, {"message": "busy"})]
    delivery = send_sms(django_capture_on_commit_callbacks, person("mediator"))

    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.PENDING
    assert delivery.attempts == 1 and "503" in delivery.last_error
    assert dispatch.retry_due() == 0  # not due yet

    with time_machine.travel(timezone.now() + dispatch.BACKOFF[0] + timedelta(seconds=1)):
        assert dispatch.retry_due() == 1
        assert dispatch.retry_due() == 0  # sent: never again

    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 2
    assert [r.status for r in gateway.seen] == [503, 200]
    [accepted] = gateway.accepted()
    assert accepted.body["phone"] == "13708710003" and accepted.body["template"] == "SMS_001"


def test_the_third_sms_of_a_template_to_a_number_in_a_day_is_held_back(
    gateway: Stub, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CLINIC_SMS_DAILY_CAP = 2
    mediator, coordinator = person("mediator"), person("coordinator")
    for n in range(3):
        send_sms(django_capture_on_commit_callbacks, mediator, key=f"visit:{n}")
    other = send_sms(django_capture_on_commit_callbacks, coordinator, key="visit:0")

    states = list(
        Delivery.objects.filter(notification__user=mediator)
        .order_by("pk")
        .values_list("state", flat=True)
    )
    assert states == [Delivery.State.SENT, Delivery.State.SENT, Delivery.State.CAPPED]
    assert Notification.objects.filter(user=mediator).count() == 3  # the inbox has all three
    assert [r.body["phone"] for r in gateway.accepted()] == [
        "13708710003",
        "13708710003",
        "13708710002",
    ]
    other.refresh_from_db()
    assert other.state == Delivery.State.SENT


def test_a_template_the_gateway_refuses_fails_without_retrying(
    gateway: Stub, django_capture_on_commit_callbacks: Any
) -> None:
    gateway.answers = [(400, {"code": "isv.SMS_TEMPLATE_ILLEGAL"})]
    delivery = send_sms(django_capture_on_commit_callbacks, person("mediator"))

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert dispatch.retry_due() == 0

    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED and delivery.attempts == 1
    assert "400" in delivery.last_error
    assert len(gateway.seen) == 1


def test_a_gateway_that_answers_200_with_a_refusal_code_fails_the_sms(
    gateway: Stub, django_capture_on_commit_callbacks: Any
) -> None:
    gateway.answers = [(200, {"code": "isv.BUSINESS_LIMIT_CONTROL"})]
    delivery = send_sms(django_capture_on_commit_callbacks, person("mediator"))

    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED
    assert "BUSINESS_LIMIT_CONTROL" in delivery.last_error


# --- Group robots ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "path", "name"),
    [
        (RobotProvider.WECOM, "/cgi-bin/webhook/send", "key"),
        (RobotProvider.DINGTALK, "/robot/send", "access_token"),
    ],
)
def test_a_group_robot_gets_the_title_and_the_full_link_as_text(
    gateway: Stub,
    django_capture_on_commit_callbacks: Any,
    provider: str,
    path: str,
    name: str,
) -> None:
    robot(provider)
    delivery = send_group(django_capture_on_commit_callbacks)

    [request] = gateway.seen
    assert urlsplit(request.path).path == path and request.query == {name: KEY}
    assert request.body["msgtype"] == "text"
    content = request.body["text"]["content"]
    assert f"{CASE} 回访" in content  # the title, in the site's language
    assert "请到社区诊所" in content
    assert "https://clinic.example.org/cases/21/" in content
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert KEY not in delivery.address and "ab12" not in delivery.address


def test_a_robot_answering_an_error_code_fails_the_delivery(
    gateway: Stub, django_capture_on_commit_callbacks: Any
) -> None:
    gateway.answers = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    robot()
    delivery = send_group(django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED and "93000" in delivery.last_error
    assert KEY not in delivery.last_error


def test_a_robot_sent_too_often_tries_again_later(
    gateway: Stub, django_capture_on_commit_callbacks: Any
) -> None:
    gateway.answers = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    robot()
    delivery = send_group(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.PENDING and delivery.attempts == 1

    with time_machine.travel(timezone.now() + dispatch.BACKOFF[0] + timedelta(seconds=1)):
        assert dispatch.retry_due() == 1
    assert [r.status for r in gateway.seen] == [200, 200] and len(gateway.seen) == 2


def test_a_switched_off_robot_gets_nothing(
    gateway: Stub, django_capture_on_commit_callbacks: Any
) -> None:
    GroupRobot.objects.filter(pk=robot().pk).update(active=False)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        sent = notify_group(
            "tests.group", {"case": CASE, "note": ""}, Community.objects.get(name="金江路社区")
        )
    assert sent == [] and gateway.seen == []


def test_the_console_backend_never_shows_a_robots_key(
    gateway: Stub, settings: Any, capsys: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CLINIC_ROBOT_BACKEND = "console"
    robot()
    delivery = send_group(django_capture_on_commit_callbacks)

    out = capsys.readouterr()
    assert "请到社区诊所" in out.out  # it did print the message
    assert KEY not in out.out + out.err
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and KEY not in delivery.address
    assert gateway.seen == []


# --- The egress proxy -----------------------------------------------------------------------


def test_every_gateway_is_reached_through_the_egress_proxy_when_one_is_set(
    gateway: Stub,
    settings: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # the gateways' hosts exist only behind the proxy (the stub, acting as it)
    settings.CLINIC_EGRESS_PROXY = gateway.url.replace("//", "//egress:s3cret@")
    settings.CLINIC_SMS_URL = "http://sms.gateway.invalid/api/send"
    settings.CLINIC_WECOM_URL = "http://qyapi.gateway.invalid/cgi-bin/webhook/send"
    # the environment's proxy exceptions do not apply: the proxy is the only way out
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    robot()

    sms = send_sms(django_capture_on_commit_callbacks, person("mediator"))
    group = send_group(django_capture_on_commit_callbacks)

    assert [r.path for r in gateway.seen] == [
        "http://sms.gateway.invalid/api/send",
        f"http://qyapi.gateway.invalid/cgi-bin/webhook/send?key={KEY}",
    ]
    assert gateway.seen[0].body["template"] == "SMS_001"
    basic = "Basic " + base64.b64encode(b"egress:s3cret").decode()
    assert {r.headers["Proxy-Authorization"] for r in gateway.seen} == {basic}
    for delivery in (sms, group):
        delivery.refresh_from_db()
        assert delivery.state == Delivery.State.SENT
