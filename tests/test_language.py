"""Every word in the user's language: the words and labels the pages show in Chinese."""

from __future__ import annotations

from typing import cast

from django.db.models import Field, Model
from django.utils import translation
from django.utils.translation import gettext, pgettext

from cases.choices import InviteResponse
from cases.models import CaseEvent, Party, StatisticsFiling
from cases.statistics import figures
from clinic.audit import object_type_label, roles_label
from scheduling.models import Leave, WeeklyPattern


def _label(model: type[Model], name: str) -> str:
    return str(cast(Field, model._meta.get_field(name)).verbose_name)


def test_one_english_word_with_two_meanings_gets_two_chinese_words() -> None:
    with translation.override("zh-hans"):
        # an invitation accepted is not the day a case was accepted (受理日期)
        assert InviteResponse.ACCEPTED.label == "已接受"
        assert gettext("Accepted") == "受理日期"
        # a start time is not the state a case left (原状态)
        assert _label(CaseEvent, "from_state") == "原状态"
        assert _label(Leave, "starts_at") == _label(WeeklyPattern, "starts") == "开始时间"
        assert _label(StatisticsFiling, "first") == "起始日期"
        # the statistics' failed and declined cases are not a failed sign-in or a declined
        # invitation
        assert pgettext("number of cases", "Failed") == "调解不成"
        assert pgettext("number of cases", "Declined") == "不予受理"


def test_an_encrypted_field_keeps_its_label_on_forms() -> None:
    with translation.override("zh-hans"):
        assert Party._meta.get_field("id_number").formfield().label == "证件号码"
        assert Party._meta.get_field("phone").formfield().label == "电话"


def test_the_audit_log_names_object_types_and_roles_in_words() -> None:
    with translation.override("zh-hans"):
        assert object_type_label("visit") == "上门巡诊申请"  # a model, by another name
        assert object_type_label("attachment") == "附件"  # a model, by its own name
        assert object_type_label("statistics") == "统计"  # not a model
        assert roles_label("coordinator,mediator") == "社区综治专干、人民调解员"


def test_every_filed_figure_has_a_name_for_its_correction() -> None:
    row = figures.Row(name="金江路社区")
    period = figures.parse_period("2026")
    report = figures.Report(period, "联盟街道", [row], figures.Row(name="合计"), [], [], [], [])
    assert set(figures.as_snapshot(report)["total"]) <= set(figures.SNAPSHOT_LABELS)
