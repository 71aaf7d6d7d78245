"""The channels' backends behind one interface: ``backend(channel).send(message)``.

- Email: Django's mail (its own ``EMAIL_BACKEND``: console in development).
- Template SMS (``CLINIC_SMS_BACKEND``): ``http`` posts the gateway's template code, the
  parameters and the signature to ``CLINIC_SMS_URL`` (never free text: Chinese gateways send
  only approved templates); ``none`` for a deployment without a gateway contract (no SMS is
  ever queued and the pages say staff confirm by phone); ``console``, ``file`` and ``memory``
  for development and tests.
- Group robots (``CLINIC_ROBOT_BACKEND``): ``http`` posts a text message to the WeCom (企业微信)
  or DingTalk webhook of the group's key; ``console``, ``file``, ``memory`` and ``none`` alike.

Every outbound call goes through ``CLINIC_EGRESS_PROXY`` when one is set (the intranet core
reaches the internet only through it) and nowhere else. A backend raises ``Temporary`` for what
may pass on a retry (a timeout, a 5xx, a 429) and ``Permanent`` for what will not (a template the
gateway refuses)."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from base64 import b64encode
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from clinic.lib.masking import mask_phone

#: What the memory backends sent (tests read it; ``clear()`` empties it).
SENT: list[Message] = []

TIMEOUT = 5.0


class Temporary(Exception):
    """The gateway may take it on a later try."""


class Permanent(Exception):
    """The gateway will never take it as it is."""


@dataclass
class Message:
    """One notice as a channel sends it. ``address``: an email address, a phone number or a
    robot's webhook key. An SMS carries only ``template`` and ``params``."""

    channel: str
    address: str
    title: str = ""
    body: str = ""
    url: str = ""
    template: str = ""
    params: dict[str, str] = field(default_factory=dict)
    provider: str = ""

    @property
    def text(self) -> str:
        return "\n".join(part for part in (f"【{self.title}】", self.body, self.url) if part)


def _setting(name: str, default: Any = "") -> Any:
    return getattr(settings, name, default)


def sms_enabled() -> bool:
    """Whether this deployment sends SMS at all (``CLINIC_SMS_BACKEND`` other than none)."""
    return _setting("CLINIC_SMS_BACKEND", "console") != "none"


def robots_enabled() -> bool:
    return _setting("CLINIC_ROBOT_BACKEND", "console") != "none"


def sms_template(notice_key: str) -> str:
    """The gateway's template code of a notice (``CLINIC_SMS_TEMPLATES``); with a development
    backend, the notice's own key stands for it."""
    codes: dict[str, str] = _setting("CLINIC_SMS_TEMPLATES", {}) or {}
    if notice_key in codes:
        return codes[notice_key]
    return "" if _setting("CLINIC_SMS_BACKEND", "console") == "http" else notice_key


class _EgressProxy(urllib.request.ProxyHandler):
    """``ProxyHandler`` without its exceptions: it would go direct to a host the
    environment's ``no_proxy`` names, and the egress proxy has none."""

    def proxy_open(self, req: urllib.request.Request, proxy: str, type: str) -> Any:
        parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if parts.username:
            user = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            req.add_header("Proxy-authorization", f"Basic {b64encode(user.encode()).decode()}")
        asked = req.type
        req.set_proxy(parts.netloc.rpartition("@")[2], parts.scheme)
        if asked in (parts.scheme, "https"):
            return None  # as ProxyHandler: the scheme's own handler sends it to the proxy
        return self.parent.open(req, timeout=req.timeout)


def opener() -> urllib.request.OpenerDirector:
    """Outbound HTTP: through the egress proxy when one is configured, else direct; the
    environment's proxy variables are not read (only the configured proxy is used)."""
    proxy = _setting("CLINIC_EGRESS_PROXY", "")
    handler = _EgressProxy({"http": proxy, "https": proxy} if proxy else {})
    return urllib.request.build_opener(handler)


def post_json(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    """POST ``payload`` as JSON; the answer's JSON (or None). 5xx, 429 and the network failing
    are ``Temporary``; another 4xx is ``Permanent``."""
    request = urllib.request.Request(  # noqa: S310  a configured https/http address
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    try:
        with opener().open(request, timeout=TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
            raise Temporary(f"HTTP {error.code}") from None
        raise Permanent(f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise Temporary(str(getattr(error, "reason", error))[:200]) from None
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return None


# --- The backends -----------------------------------------------------------------------------


class Backend:
    def send(self, message: Message) -> None:  # pragma: no cover - the interface
        raise NotImplementedError


class EmailBackend(Backend):
    def send(self, message: Message) -> None:
        try:
            send_mail(
                message.title,
                "\n\n".join(p for p in (message.body, message.url) if p),
                None,
                [message.address],
            )
        except (OSError, ConnectionError) as error:
            raise Temporary(str(error)[:200]) from None


class ConsoleBackend(Backend):
    def send(self, message: Message) -> None:
        shown = asdict(message)
        if message.channel == "robot":
            shown["address"] = "***"  # a robot's key is a secret
        elif message.channel == "sms":
            shown["address"] = mask_phone(message.address)  # the console may be a shared log
        sys.stdout.write(f"[{message.channel}] {json.dumps(shown, ensure_ascii=False)}\n")


class FileBackend(Backend):
    """One JSON line per message in ``CLINIC_NOTIFY_FILE_DIR``/<channel>.jsonl."""

    def send(self, message: Message) -> None:
        folder = Path(
            _setting("CLINIC_NOTIFY_FILE_DIR", "") or Path(settings.MEDIA_ROOT) / "outbound"
        )
        folder.mkdir(parents=True, exist_ok=True)
        line = {"at": timezone.now().isoformat(), **asdict(message)}
        with (folder / f"{message.channel}.jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


class MemoryBackend(Backend):
    def send(self, message: Message) -> None:
        SENT.append(message)


class HttpSmsBackend(Backend):
    """The gateway's HTTP API (or the deployment's relay to it): template, parameters,
    signature and number, authorised by ``CLINIC_SMS_TOKEN``. A gateway answering
    ``{"code": ...}`` other than 0/"OK" refused it."""

    def send(self, message: Message) -> None:
        url = _setting("CLINIC_SMS_URL", "")
        if not url or not message.template:
            raise Permanent("no SMS gateway or no template code for this notice")
        token = _setting("CLINIC_SMS_TOKEN", "")
        answer = post_json(
            url,
            {
                "sign": _setting("CLINIC_SMS_SIGN", ""),
                "template": message.template,
                "phone": message.address,
                "params": message.params,
            },
            {"Authorization": f"Bearer {token}"} if token else None,
        )
        code = answer.get("code", 0) if isinstance(answer, dict) else 0
        if code not in (0, "0", "OK", "ok"):
            raise Permanent(f"gateway refused: {str(code)[:40]}")


class HttpRobotBackend(Backend):
    """A group robot's webhook: WeCom's ``…/webhook/send?key=`` or DingTalk's
    ``…/robot/send?access_token=``; both answer ``errcode`` 0 when the group got it."""

    def send(self, message: Message) -> None:
        if message.provider == "dingtalk":
            base, name = _setting("CLINIC_DINGTALK_URL", ""), "access_token"
        else:
            base, name = _setting("CLINIC_WECOM_URL", ""), "key"
        answer = post_json(
            f"{base}?{urlencode({name: message.address})}",
            {"msgtype": "text", "text": {"content": message.text}},
        )
        code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
        if code in (45009, 130101):  # sent too often this minute: later
            raise Temporary(f"robot busy ({code})")
        if code != 0:
            raise Permanent(f"robot refused ({code})")


DEVELOPMENT = {"console": ConsoleBackend, "file": FileBackend, "memory": MemoryBackend}


def backend(channel: str) -> Backend | None:
    """The backend of a channel as configured; None where the channel is off."""
    if channel == "email":
        return EmailBackend()
    name = _setting("CLINIC_SMS_BACKEND" if channel == "sms" else "CLINIC_ROBOT_BACKEND", "console")
    if name == "none":
        return None
    if name == "http":
        return HttpSmsBackend() if channel == "sms" else HttpRobotBackend()
    return DEVELOPMENT.get(name, ConsoleBackend)()


def clear() -> None:
    SENT.clear()
