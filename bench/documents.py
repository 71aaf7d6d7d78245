"""The agreement PDF: warm median render time against the same template, fonts and all, with
every Chinese character replaced by a Latin letter (limit 2×), and resident-memory growth over
200 renders (limit 50 MiB). (Against a Latin-only page set in DejaVu Serif, a much smaller
font, the ratio was 1.97 on the reference machine: most of the cost is subsetting the CJK
font, which the same-font baseline pays too.)

The same measure, within the same limit, for the longest texts the forms allow
(``clinic.lib.limits``): a 人民调解笔录 whose statements are 30,000 characters, and an agreement
whose facts, terms and every other field are as long as they may be. There the Latin baseline
keeps a space after each comma and full stop, so that its lines break between words as Latin
text does (one 30,000-letter word would be a line, not pages).
"""

from __future__ import annotations

import re
import statistics
import time
from datetime import date, datetime
from itertools import cycle
from types import SimpleNamespace
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from bench import result
from clinic.lib import limits
from clinic.lib.pdf import FONT_FAMILY, html_to_pdf

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
ROUNDS = 15
LONGEST_ROUNDS = 5
MEMORY_RENDERS = 200

#: What a mediator writes down, sentence after sentence.
SENTENCES = [
    "申请人称，楼上卫生间防水层老化渗漏，致其天花板及墙面受损，多次协商未果。",
    "被申请人表示愿意修复防水层，但对赔偿数额有异议，认为墙面原本已有裂缝。",
    "调解员向双方释明《民法典》相邻关系的有关规定，并请物业服务中心到场查看。",
    "双方同意先由物业出具渗漏原因说明，再就维修费用和赔偿数额进一步协商。",
]
PARAGRAPH = 300  # characters between line breaks, as people type them


def typed(length: int) -> str:
    """``length`` characters of sentences, a line break among them every ``PARAGRAPH``."""
    source = cycle("".join(SENTENCES))
    return "".join("\n" if i % PARAGRAPH == PARAGRAPH - 1 else next(source) for i in range(length))


def latin(html: str) -> str:
    """Every CJK character a Latin letter; for long texts a space after each comma and stop."""
    return CJK.sub("x", html.replace("，", ", ").replace("。", ". "))


def _agreement_html(*, longest: bool = False) -> str:
    texts = {
        "facts": "楼上卫生间防水层老化渗漏，致楼下天花板及墙面受损。" * 3,
        "responsibilities": "被申请人承担主要责任。",
        "terms": "被申请人赔偿维修费 2600 元，并于 10 日内修复防水层。" * 2,
        "performance_manner": "现金或银行转账，履行后双方签字确认。",
        "correction_reason": "",
    }
    if longest:
        texts = {
            "facts": typed(limits.ANSWER),
            "responsibilities": typed(limits.SUMMARY),
            "terms": typed(limits.ANSWER),
            "performance_manner": typed(limits.SUMMARY),
            "correction_reason": typed(limits.LINE),
        }

    def party(side: str, name: str) -> Any:
        return SimpleNamespace(
            get_side_display=lambda: side,
            name=typed(limits.NAME) if longest else name,
            get_gender_display=lambda: "女",
            shown_id="530103********1234",
            shown_phone="138****5678",
            address=typed(limits.ADDRESS) if longest else "金江路社区 12 栋",
            room=typed(limits.ROOM) if longest else "2 单元 501",
        )

    parties = [party("申请人", "赵建国"), party("被申请人", "钱丽")]
    items = SimpleNamespace(all=lambda: [])
    case = SimpleNamespace(
        number="(2026)盘金人调字第17号",
        committee=SimpleNamespace(seal_name="昆明市盘龙区联盟街道金江路社区人民调解委员会"),
    )
    agreement = SimpleNamespace(
        **texts,
        performance_deadline=date(2026, 12, 31),
        copies=3,
        items=items,
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


def _record_html() -> str:
    """A 人民调解笔录 with every text as long as the form allows."""
    record = SimpleNamespace(
        pk=1,
        held_at=datetime(2026, 12, 1, 9, 30, tzinfo=timezone.get_current_timezone()),
        place=typed(limits.PLACE),
        recorded_by="张丽萍",
        attendees=typed(limits.NOTE),
        statements=typed(limits.RECORD),
        result=typed(limits.ANSWER),
    )
    case = SimpleNamespace(
        number="(2026)盘金人调字第17号",
        mediator="张丽萍",
        committee=SimpleNamespace(seal_name="昆明市盘龙区联盟街道金江路社区人民调解委员会"),
    )
    return render_to_string(
        "documents/record.html",
        {"case": case, "records": [record], "font_family": FONT_FAMILY},
    )


def _medians(chinese: str, baseline: str, rounds: int) -> tuple[float, float]:
    """Warm median render times of two pages, measured in interleaved rounds."""
    for html in (chinese, baseline):  # warm both (fonts, caches)
        html_to_pdf(html)
    chinese_times: list[float] = []
    baseline_times: list[float] = []
    for _ in range(rounds):
        for html, times in ((chinese, chinese_times), (baseline, baseline_times)):
            started = time.perf_counter()
            html_to_pdf(html)
            times.append(time.perf_counter() - started)
    return statistics.median(chinese_times), statistics.median(baseline_times)


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run() -> list[dict[str, Any]]:
    chinese = _agreement_html()
    # the same template, fonts and all; only the text differs
    cjk, base = _medians(chinese, CJK.sub("x", chinese), ROUNDS)
    record = _record_html()
    record_cjk, record_base = _medians(record, latin(record), LONGEST_ROUNDS)
    longest = _agreement_html(longest=True)
    longest_cjk, longest_base = _medians(longest, latin(longest), LONGEST_ROUNDS)
    before = _rss_mib()
    for _ in range(MEMORY_RENDERS):
        html_to_pdf(chinese)
    growth = _rss_mib() - before
    return [
        result("agreement_pdf_render", cjk, base, 2.0, "s (median)"),
        result("record_pdf_longest", record_cjk, record_base, 2.0, "s (median)"),
        result("agreement_pdf_longest", longest_cjk, longest_base, 2.0, "s (median)"),
        # growth ÷ the 50 MiB allowed, within 1
        result("agreement_pdf_memory_growth_200", growth, 50.0, 1.0, "MiB"),
    ]
