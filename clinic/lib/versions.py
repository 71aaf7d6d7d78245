"""Row versions: no lost update on any record two people can edit.

Every such model inherits ``Versioned`` (a ``row_version`` number). Its form inherits
``RowVersionForm``, which carries two hidden fields from the page that showed it:

- ``seen_version``: the record's ``row_version`` the person saw;
- ``seen_values``: a signed digest of each edited field's value as shown (keyed digests, so the
  page holds no personal data it did not show).

The action calls ``form.claim(record)`` (or ``claim_row``) inside its transaction, before it
saves. The first of two people to save wins and the version goes up; the second gets
``Stale`` (answered 409 by ``cases.pages.submit`` and every page of the roster and people),
keeps what they typed, and sees, field by field, what the other person changed: each changed
field's label and its value now, personal data masked unless the viewer may reveal it. The
form is re-armed with the current version, so sending it again (after reading the changes)
knowingly overwrites them.

A personal field shown masked (``mask_personal``) and sent back unchanged keeps the stored
value (``RowVersionForm.full_clean``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clinic.lib.masking import mask_id_number, mask_phone

SALT = "clinic.versions"


def mask_address(value: str) -> str:
    """An address keeps its first 6 characters (the community, the road)."""
    value = (value or "").strip()
    if len(value) <= 6:
        return "*" * len(value)
    return f"{value[:6]}{'*' * min(len(value) - 6, 8)}"


def mask_room(value: str) -> str:
    """A unit and room is shown only to those who may reveal it: nothing of it is kept."""
    value = (value or "").strip()
    return "*" * min(len(value), 8)


#: Field names that hold personal data wherever they occur, and how each is masked.
PERSONAL: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "contact_phone": mask_phone,
    "resident_phone": mask_phone,
    "responsible_phone": mask_phone,
    "address": mask_address,
    "room": mask_room,
}


class Versioned(models.Model):
    """A record two people can edit: its ``row_version`` goes up with every saved change
    (``Agreement.version`` is the agreement's correction number, hence the name)."""

    row_version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A full save of a stored row writes every field but the version: only ``claim_row``
        and ``bump`` move it, so a save from a copy loaded earlier cannot put it back."""
        whole = not args and kwargs.get("update_fields") is None
        if not self._state.adding and whole and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "row_version"
            ]
        super().save(*args, **kwargs)


@dataclass(frozen=True)
class Change:
    """One field the other person changed: its label and its value now (masked if need be)."""

    field: str
    label: str
    value: str


#: The 409 of a form whose record someone else saved meanwhile: what they changed is listed.
RECORD_STALE = _(
    "Someone else saved this record while you were editing it. What you typed is below; "
    "what they changed is listed. Send again to keep yours."
)
#: The same, when none of the fields the page showed changed (a step taken without a form).
RECORD_CHANGED = _(
    "Someone else changed this record while you were looking at it. Check it as it is now "
    "and send again to go ahead."
)


class Stale(Exception):
    """Someone else saved the record since the form was shown. ``message``, when given, says
    what happened in the person's words; ``changes`` says what the other person changed."""

    def __init__(self, message: str = "", changes: Iterable[Change] = ()) -> None:
        super().__init__(message or "stale")
        self.message = message
        self.changes = list(changes)


def say_stale(form: forms.BaseForm, stale: Stale) -> None:
    """Tell the person whose save lost to someone else's (answered 409): the form keeps what
    they typed; ``_form_errors.html`` lists the other person's changes."""
    form.add_error(
        None, stale.message or (RECORD_STALE if getattr(form, "conflict", None) else RECORD_CHANGED)
    )


def _digest(value: Any) -> str:
    if isinstance(value, models.Model):
        value = value.pk
    elif isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        value = sorted(str(getattr(item, "pk", item)) for item in items)
    return salted_hmac(SALT, repr(value)).hexdigest()[:16]


def _value(record: models.Model, name: str) -> Any:
    try:
        field = record._meta.get_field(name)
    except Exception:  # not a model field: an attribute the form edits
        return getattr(record, name, None)
    if field.many_to_many:
        return getattr(record, name).all() if record.pk else []
    if field.is_relation:
        return getattr(record, getattr(field, "attname", name))
    return getattr(record, name)


def snapshot(record: models.Model, fields: Iterable[str]) -> str:
    """The signed digests of ``fields`` of ``record`` as they are now."""
    return signing.dumps({name: _digest(_value(record, name)) for name in fields}, salt=SALT)


def read_snapshot(seen: str) -> dict[str, str]:
    try:
        loaded = signing.loads(seen, salt=SALT)
    except signing.BadSignature:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def shown(record: models.Model, name: str, *, reveal: bool) -> str:
    """How ``record``'s field ``name`` reads on a page: choices by their label, references by
    their name, personal data masked unless ``reveal``."""
    try:
        field = record._meta.get_field(name)
    except Exception:
        value: Any = getattr(record, name, "")
    else:
        if field.many_to_many:
            value = "、".join(str(item) for item in getattr(record, name).all())
        elif getattr(field, "choices", None):
            value = getattr(record, f"get_{name}_display")()
        else:
            value = getattr(record, name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):  # as the pages show a moment: local, to the minute
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    text = str(value)
    if name in PERSONAL and not reveal:
        return PERSONAL[name](text)
    return text


def label_of(record: models.Model, name: str, form: forms.BaseForm | None = None) -> str:
    """The label of ``name`` as the page says it: the form's own words (its field's label, or
    ``change_labels``), else the model field's, capitalised."""
    labels = getattr(form, "change_labels", {}) if form is not None else {}
    if name in labels:
        return capfirst(str(labels[name]))
    if form is not None and name in form.fields and form.fields[name].label:
        return capfirst(str(form.fields[name].label))
    try:
        return capfirst(str(getattr(record._meta.get_field(name), "verbose_name", name)))
    except Exception:
        return name


def changes_since(
    current: models.Model,
    seen: str,
    *,
    reveal: bool,
    form: forms.BaseForm | None = None,
) -> list[Change]:
    """The fields of ``current`` whose value is no longer the one ``seen`` was taken of."""
    digests = read_snapshot(seen)
    return [
        Change(name, label_of(current, name, form), shown(current, name, reveal=reveal))
        for name, digest in digests.items()
        if _digest(_value(current, name)) != digest
    ]


def claim_row(
    record: models.Model,
    version: int | None,
    *,
    seen: str = "",
    reveal: bool = False,
    form: forms.BaseForm | None = None,
) -> None:
    """Take ``record`` for this change: its version must be the one the person saw. Raises
    ``Stale`` with what changed since; else the stored version (and ``record.version``) go up.
    Call it inside the transaction that saves the change."""
    model = type(record)
    seen_version = record.row_version if version is None else version  # type: ignore[attr-defined]
    rows = model._default_manager.filter(pk=record.pk)
    # read first (under a lock where the database has one): a claim that loses writes nothing
    stored = rows.select_for_update().values_list("row_version", flat=True).first()
    if stored == seen_version and rows.filter(row_version=seen_version).update(
        row_version=F("row_version") + 1
    ):
        record.row_version = seen_version + 1  # type: ignore[attr-defined]
        return
    current = rows.first()
    if current is None:
        raise Stale(str(_("This record was removed by someone else.")))
    raise Stale(changes=changes_since(current, seen, reveal=reveal, form=form))


#: How an action takes a record two people can edit: the form's ``claim`` (the version the
#: person saw must still be the record's, else ``Stale``), or ``bump`` when no form is behind
#: the change. Actions take it as ``claim=`` and call ``(claim or bump)(record)``.
Claim = Callable[[Any], None]


def bump(record: models.Model) -> None:
    """A change made without a form (a step, a consent) still makes open forms stale."""
    type(record)._default_manager.filter(pk=record.pk).update(row_version=F("row_version") + 1)
    record.row_version += 1  # type: ignore[attr-defined]


class RowVersionForm(forms.Form):
    """Carries the record's version and what the person saw; ``claim`` loses cleanly.

    Mix it in first: ``class PartyForm(RowVersionForm, forms.ModelForm)``. A ModelForm's
    ``instance`` is the record; a plain form passes ``record=``. ``tracked`` names the
    fields compared (default: the form's fields that are fields of the record).
    ``masked`` names personal fields shown masked unless the form is built with
    ``reveal=True``; sent back unchanged, they keep the stored value."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=True)
    seen_values = forms.CharField(widget=forms.HiddenInput, required=False)

    tracked: tuple[str, ...] = ()
    masked: tuple[str, ...] = ()
    #: Labels of tracked names that are neither a field of the form nor of the record.
    change_labels: dict[str, Any] = {}

    def __init__(
        self, *args: Any, record: models.Model | None = None, reveal: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.record = record if record is not None else getattr(self, "instance", None)
        self.reveal = reveal
        self.conflict: list[Change] = []
        self.fields["seen_version"].error_messages["required"] = _(
            "This page is out of date: reload it and enter the change again."
        )
        if self.record is not None and self.record.pk:
            self.initial = dict(self.initial)  # the caller's dict is not written to
            self.initial["seen_version"] = self.record.row_version  # type: ignore[union-attr]
            self.initial["seen_values"] = snapshot(self.record, self.tracked_fields())
            if not reveal:
                for name in self.masked:
                    stored = getattr(self.record, name, "") or ""
                    if name in self.fields and stored:
                        self.initial[name] = PERSONAL.get(name, mask_phone)(str(stored))

    def tracked_fields(self) -> list[str]:
        if self.tracked:
            return list(self.tracked)
        if self.record is None:
            return []
        names = {f.name for f in self.record._meta.get_fields()}
        return [n for n in self.fields if n in names and not n.startswith("seen_")]

    def _unmasked_data(self) -> Any:
        """The sent data with each masked field sent back as shown replaced by the stored
        value (so the field's own checks see the real value)."""
        if self.record is None or not self.record.pk or self.reveal or not self.masked:
            return self.data  # a new record has nothing stored to keep
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
        for name in self.masked:
            stored = str(getattr(self.record, name, "") or "")
            key = self.add_prefix(name)
            sent = str(data.get(key) or "")
            # a mask as shown, of the value now stored or of one changed since (the claim then
            # tells of that change): no one types a phone or an ID number with stars
            if (stored and sent == PERSONAL.get(name, mask_phone)(stored)) or "*" in sent:
                data[key] = stored
        return data

    def full_clean(self) -> None:
        sent = self.data
        self.data = self._unmasked_data()
        try:
            super().full_clean()
        finally:
            self.data = sent  # shown again as sent: masked
        # the hidden fields' errors (a page without its version) are said above the form,
        # where the person sees them
        if self.is_bound:
            errors = self.errors
            for name in ("seen_version", "seen_values"):
                for error in errors.pop(name, []):
                    errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield"))
                    errors[NON_FIELD_ERRORS].append(error)

    def reworded(self, current: models.Model, change: Change) -> Change:
        """``change`` in the page's words; a form words its own values by overriding it."""
        return change

    def outdated(self) -> Stale | None:
        """For a form that did not validate: the ``Stale`` to answer with when the record
        changed since the page was shown (the choices it offered, or the masked value it
        showed, may be gone with that change), else None."""
        seen = self.cleaned_data.get("seen_version") if hasattr(self, "cleaned_data") else None
        record = self.record
        if seen is None or record is None:
            return None
        current = type(record)._default_manager.filter(pk=record.pk).first()
        if current is not None and getattr(current, "row_version", None) == seen:
            return None
        sent = {name: str(self.data.get(self.add_prefix(name), "")) for name in self.masked}
        try:
            self.claim(record)  # refused: the version moved on (it never goes back)
        except Stale as stale:
            for name, value in sent.items():
                if "*" in value:  # shown masked, sent back: its value changed, it was not typed
                    self.errors.pop(name, None)
            return stale
        return None  # pragma: no cover

    def claim(self, record: models.Model | None = None, *, reveal: bool | None = None) -> None:
        """``claim_row`` with this form's version and snapshot; on a loss the form keeps what
        was typed, lists the other person's changes and is re-armed with the current version."""
        record = record if record is not None else self.record
        if record is None:
            raise ValueError("claim needs the record")
        try:
            claim_row(
                record,
                self.cleaned_data.get("seen_version"),
                seen=self.cleaned_data.get("seen_values", ""),
                reveal=self.reveal if reveal is None else reveal,
                form=self,
            )
        except Stale as stale:
            current = type(record)._default_manager.filter(pk=record.pk).first()
            if current is not None:
                stale.changes = [self.reworded(current, change) for change in stale.changes]
            self.conflict = stale.changes
            if current is not None and self.is_bound:
                data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
                data[self.add_prefix("seen_version")] = current.row_version  # type: ignore[union-attr]
                data[self.add_prefix("seen_values")] = snapshot(current, self.tracked_fields())
                if not self.reveal:
                    # a mask sent back as shown stands for the value now stored (else sending
                    # the form again would save the old mask, or fail on it)
                    for name in self.masked:
                        key = self.add_prefix(name)
                        if "*" in str(data.get(key, "")):
                            now = str(getattr(current, name, "") or "")
                            data[key] = PERSONAL.get(name, mask_phone)(now)
                self.data = data
            raise
