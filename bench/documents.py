"""The agreement PDF: warm median render time against the same template, fonts and all, with
every Chinese character replaced by a Latin letter (limit 2×), and resident-memory growth over
200 renders (limit 50 MiB). (Against a Latin-only page set in DejaVu Serif, a much smaller
font, the ratio was 1.97 on the reference machine: most of the cost is subsetting the CJK
font, which the same-font baseline pays too.)"""

from __future__ import annotations

import re
import statistics
import time
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.template.loader import render_to_string

from bench import result
from clinic.lib.pdf import FONT_FAMILY, html_to_pdf

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
ROUNDS = 15
MEMORY_RENDERS = 200


def _agreement_html() -> str:
    def party(side: str, name: str) -> Any:
        return SimpleNamespace(
            get_side_display=lambda: side,
            name=name,
            get_gender_display=lambda: "女",
            shown_id="530103********1234",
            shown_phone="138****5678",
            address="金江路社区 12 栋",
            room="2 单元 501",
        )

    parties = [party("申请人", "赵建国"), party("被申请人", "钱丽")]
    items = SimpleNamespace(all=lambda: [])
    case = SimpleNamespace(
        number="(2026)盘金人调字第17号",
        committee=SimpleNamespace(seal_name="昆明市盘龙区联盟街道金江路社区人民调解委员会"),
    )
    agreement = SimpleNamespace(
        facts="楼上卫生间防水层老化渗漏，致楼下天花板及墙面受损。" * 3,
        responsibilities="被申请人承担主要责任。",
        terms="被申请人赔偿维修费 2600 元，并于 10 日内修复防水层。" * 2,
        performance_manner="现金或银行转账，履行后双方签字确认。",
        performance_deadline=date(2026, 12, 31),
        copies=3,
        items=items,
        correction_reason="",
        version=1,
        signed_on=date(2026, 12, 1),
    )
    return render_to_string(
        "documents/agreement.html",
        {
            "case": case,
            "agreement": agreement,
            "parties": parties,
            "principals": parties,
            "full": False,
            "font_family": FONT_FAMILY,
        },
    )


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run() -> list[dict[str, Any]]:
    chinese = _agreement_html()
    latin = CJK.sub("x", chinese)  # the same template, fonts and all; only the text differs
    for html in (chinese, latin):  # warm both (fonts, caches)
        html_to_pdf(html)
    chinese_times: list[float] = []
    latin_times: list[float] = []
    for _ in range(ROUNDS):  # interleaved rounds
        for html, times in ((chinese, chinese_times), (latin, latin_times)):
            started = time.perf_counter()
            html_to_pdf(html)
            times.append(time.perf_counter() - started)
    cjk, base = statistics.median(chinese_times), statistics.median(latin_times)
    before = _rss_mib()
    for _ in range(MEMORY_RENDERS):
        html_to_pdf(chinese)
    growth = _rss_mib() - before
    return [
        result("agreement_pdf_render", cjk, base, 2.0, "s (median)"),
        # growth ÷ the 50 MiB allowed, within 1
        result("agreement_pdf_memory_growth_200", growth, 50.0, 1.0, "MiB"),
    ]
