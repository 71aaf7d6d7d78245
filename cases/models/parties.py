"""The parties of a case, their personal data encrypted at rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import (
    AttachmentKind,
    Gender,
    IdType,
    NoticeMethod,
    PartyKind,
    Side,
)
from cases.models.case import Case
from clinic.lib import limits
from clinic.lib.encrypted import EncryptedCharField
from clinic.lib.ids import is_minor
from clinic.lib.names import name_key
from clinic.lib.phones import phone_validator
from clinic.lib.versions import Versioned

#: The sides of those who act for a party rather than being one: agents and guardians.
ACTING_SIDES = (Side.AGENT, Side.GUARDIAN)


class PartyQuerySet(models.QuerySet["Party"]):
    def named_in_lists(self) -> PartyQuerySet:
        """The parties a case's row in a list names: not agents or guardians, applicants
        first."""
        return self.exclude(side__in=ACTING_SIDES).order_by("side", "pk")


class Party(Versioned, models.Model):
    """A party to a case: applicant, respondent, third party or an agent of one of them.

    ID numbers and phones are stored encrypted, with keyed hashes for exact matching.
    """

    case = models.ForeignKey(Case, models.CASCADE, related_name="parties", verbose_name=_("case"))
    side = models.CharField(_("side"), max_length=15, choices=Side.choices)
    represents = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="agents",
        verbose_name=_("agent of"),
    )
    # A guardian's or an agent's tie to the party they act for (父亲, 配偶, 律师 …).
    relation = models.CharField(_("relation to the party"), max_length=limits.NAME, blank=True)
    kind = models.CharField(
        _("party type"), max_length=15, choices=PartyKind.choices, default=PartyKind.NATURAL
    )
    # A person's name, or a unit's full name (某某物业服务有限公司 …).
    name = models.CharField(_("name"), max_length=limits.ORGANISATION)
    # The name as the duplicate and conflict checks compare it (clinic.lib.names.name_key).
    name_key = models.CharField(
        max_length=limits.ORGANISATION, blank=True, db_index=True, editable=False
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    id_type = models.CharField(
        _("identity document"), max_length=15, choices=IdType.choices, blank=True
    )
    id_number = EncryptedCharField(
        _("document number"), blank=True, max_plain_length=limits.ID_NUMBER
    )
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedCharField(
        _("phone"), blank=True, max_plain_length=limits.PHONE, validators=[phone_validator]
    )
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = models.CharField(
        _("address (to the building)"),
        max_length=limits.ADDRESS,
        blank=True,
        help_text=_("For example 金江路社区 12 栋"),
    )
    room = models.CharField(_("unit and room"), max_length=limits.ROOM, blank=True)
    # A unit's (法人, 非法人组织): its code is public, not personal data; the person who answers
    # for it is a person, their phone encrypted and masked like a party's.
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=limits.CREDIT_CODE,
        blank=True,
        db_index=True,
        help_text=_("统一社会信用代码: 18 characters, on the business licence."),
    )
    responsible_person = models.CharField(
        _("legal representative or person in charge"), max_length=limits.NAME, blank=True
    )
    responsible_position = models.CharField(_("their position"), max_length=limits.NAME, blank=True)
    responsible_phone = EncryptedCharField(
        _("their phone"),
        blank=True,
        max_plain_length=limits.PHONE,
        validators=[phone_validator],
    )
    elderly_alone = models.BooleanField(_("elderly living alone"), default=False)
    disabled = models.BooleanField(_("disabled"), default=False)
    minor = models.BooleanField(_("minor"), default=False)
    needs_interpreter = models.BooleanField(_("needs an interpreter or dialect"), default=False)
    lacks_capacity = models.BooleanField(
        _("without full legal capacity"),
        default=False,
        help_text=_("无民事行为能力或限制民事行为能力人: a guardian consents for them."),
    )

    consented_at = models.DateTimeField(_("consented to mediation"), null=True, blank=True)
    notified_at = models.DateTimeField(_("told rights and duties"), null=True, blank=True)
    notice_method = models.CharField(
        _("how they were told"), max_length=10, choices=NoticeMethod.choices, blank=True
    )
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("told by"),
    )
    consent_by = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent given by (guardian)"),
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    refused_at = models.DateTimeField(_("refused mediation"), null=True, blank=True)
    refusal_note = models.CharField(_("refusal"), max_length=limits.LINE, blank=True)

    history = HistoricalRecords(excluded_fields=["row_version"])
    objects = PartyQuerySet.as_manager()

    if TYPE_CHECKING:
        # Set by the pages and papers that show a party: masked, or in full to those allowed.
        shown_id: str
        shown_phone: str
        shown_address: str
        shown_responsible_phone: str

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "side", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = name_key(self.name)
        if self.id_type == IdType.RESIDENT_ID and is_minor(self.id_number, timezone.localdate()):
            self.minor = True  # a child by their ID number consents through a guardian
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def is_unit(self) -> bool:
        """A legal person or an unincorporated organisation, not a natural person."""
        return self.kind != PartyKind.NATURAL

    @property
    def needs_guardian(self) -> bool:
        """A minor or a person without full capacity consents through a guardian."""
        return self.minor or self.lacks_capacity

    @property
    def is_principal(self) -> bool:
        """A party to the dispute itself (not an agent or a guardian acting for one)."""
        return self.side not in ACTING_SIDES

    @property
    def consent_complete(self) -> bool:
        """Told their rights, agreed to mediation and not refused since; for a minor or a
        person without full capacity, the agreement given by their guardian."""
        return bool(
            self.consented_at
            and self.notified_at
            and not self.refused_at
            and (not self.needs_guardian or self.consent_by_id)
        )

    @property
    def special_groups(self) -> list[str]:
        flags = [
            (self.elderly_alone, _("elderly living alone")),
            (self.disabled, _("disabled")),
            (self.minor, _("minor")),
            (self.needs_interpreter, _("needs an interpreter or dialect")),
            (self.lacks_capacity, _("without full legal capacity")),
        ]
        return [str(label) for on, label in flags if on]


def agents_without_authority(parties: list[Party], attachments: list[Any]) -> list[Party]:
    """The agents of ``parties`` with no power of attorney (授权委托书) among ``attachments``
    (their ``party`` is the agent)."""
    authorised = {a.party_id for a in attachments if a.kind == AttachmentKind.POWER_OF_ATTORNEY}
    return [p for p in parties if p.side == Side.AGENT and p.pk not in authorised]


def consent_ready(case: Case) -> bool:
    """The parties let the dispute be accepted: an applicant and a respondent, each party's
    consent and rights notice recorded (a guardian's for those who need one), nobody
    refusing, and every agent's power of attorney on file. Reads the case's prefetched
    parties and attachments where the page has them."""
    parties = list(case.parties.all())
    principals = [p for p in parties if p.is_principal]
    sides = {p.side for p in principals}
    return (
        Side.APPLICANT in sides
        and Side.RESPONDENT in sides
        and all(p.consent_complete for p in principals)
        and not agents_without_authority(parties, case.current_attachments)
    )
