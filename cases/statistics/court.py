"""The court's monthly figures (民事一审收案) coming in: a file from the court, read and checked
whole (``check_court_file``), then saved all at once (``do_import_court_filings``); or a
month's figures typed in (``do_save_court_filings``). Both audited. The file format is in
docs/court-filings.md.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CourtFilingCount, FilingSource
from cases.statistics.litigation import first_of_month
from clinic.audit import record as audit
from clinic.choices import AuditEvent
from clinic.lib.export import safe_cell
from clinic.lib.uploads import clean_filename
from clinic.lib.versions import Change, Stale
from clinic.models import Community, User

#: A court's monthly file is a few kilobytes; this is room for years of a district's figures.
MAX_BYTES = 2 * 1024 * 1024
#: An XLSX is a zip: what it unpacks to is capped too (a small file can unpack to gigabytes).
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
#: Rows read at most (title and header rows included).
MAX_ROWS = 10_000
#: Columns read at most.
MAX_COLUMNS = 30
#: Rows searched for the header (a court's file may open with a title and a date).
HEADER_SEARCH = 10
#: No community's court receives this many civil cases in a month: a typo.
MAX_FIGURE = 100_000
#: Errors listed at most (the file is refused whole anyway).
MAX_ERRORS = 200

COMMUNITY, MONTH, FIGURE = "community", "month", "figure"
#: The words each column's header may be written in (compared without spaces, brackets or
#: case: 民事一审收案（件） is 民事一审收案).
HEADERS: dict[str, frozenset[str]] = {
    COMMUNITY: frozenset(
        {
            "社区",
            "社区名称",
            "所属社区",
            "社区居委会",
            "居委会",
            "社区代码",
            "区划代码",
            "社区区划代码",
            "community",
        }
    ),
    MONTH: frozenset({"月份", "月", "年月", "统计月份", "收案月份", "month"}),
    FIGURE: frozenset(
        {
            "民事一审收案",
            "民事一审收案数",
            "民事一审收案件数",
            "民事一审案件收案数",
            "一审民事收案",
            "一审民事收案数",
            "民事一审",
            "收案数",
            "civilfirstinstance",
            "filings",
        }
    ),
}
#: The header the template and the documentation use.
TEMPLATE_HEADER = ("社区", "月份", "民事一审收案")
#: Rows of a court's table that add the others up: passed over.
TOTAL_ROWS = frozenset({"合计", "总计", "小计", "全区", "全区合计", "total"})
#: What a community's name may end in, in a court's file, besides the name we keep.
NAME_SUFFIXES = ("社区居民委员会", "居民委员会", "社区居委会", "居委会")
_BRACKETS = re.compile(r"[（(\[【].*?[）)\]】]")
_MONTH = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?"  # the year and the month
    r"(?:\s*[-/.]?\s*(\d{1,2})\s*日?)?"  # a day (a spreadsheet's date)
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"  # and a time
)
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_XLSX_MAGIC = b"PK\x03\x04"
_OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Figure:
    """One row of the court's file, checked: the community's figure for a month."""

    community: Community
    month: date
    figure: int
    row: int


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with a row of the file (``row`` 0: with the file as a whole)."""

    row: int
    message: str


@dataclass(frozen=True)
class CourtFile:
    """A court's file, read and checked: its name as kept, its figures, and how many rows
    adding the others up (合计) were passed over."""

    name: str
    figures: list[Figure]
    totals: int = 0


class CourtFileRefused(Exception):
    """The file is not imported (nothing of it is saved); ``problems`` say why, row by row."""

    def __init__(self, problems: Sequence[RowProblem], *, more: int = 0) -> None:
        super().__init__("; ".join(f"{p.row}: {p.message}" for p in problems))
        self.problems = list(problems)
        self.more = more


@dataclass
class Saved:
    """What a save or an import changed: figures added, corrected (with the old value), left
    as they were; the months and communities concerned."""

    created: list[CourtFilingCount] = field(default_factory=list)
    changed: list[tuple[CourtFilingCount, int]] = field(default_factory=list)
    unchanged: int = 0
    totals_skipped: int = 0

    @property
    def months(self) -> list[date]:
        return sorted({r.month for r in self.created} | {r.month for r, _old in self.changed})

    def detail(self) -> dict[str, Any]:
        """The audit entry's detail: every figure added and every correction, old and new."""
        return {
            "created": [
                {"community": r.community.name, "month": f"{r.month:%Y-%m}",
                 "new": r.civil_first_instance}
                for r in self.created
            ],
            "changed": [
                {"community": r.community.name, "month": f"{r.month:%Y-%m}", "old": old,
                 "new": r.civil_first_instance}
                for r, old in self.changed
            ],
            "unchanged": self.unchanged,
        }  # fmt: skip


# --- reading a file -------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text, as people read it: full-width digits and letters made ordinary, spaces
    at the ends dropped, an integral number without its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _header_key(value: Any) -> str:
    text = _BRACKETS.sub("", _text(value))
    return re.sub(r"[\s_\-]", "", text).lower()


def _shown(value: Any) -> str:
    """A cell quoted back in a message (on a page, escaped there): short."""
    text = _text(value)
    return text if len(text) <= 30 else f"{text[:30]}…"


def parse_month(value: Any, *, today: date | None = None) -> tuple[date | None, str]:
    """``(first day of the month, "")`` or ``(None, why not)``: 2026-09, 2026-9, 2026/9,
    2026.09, 2026年9月, 202609, a date (its month: a spreadsheet turns 2026-09 into
    2026-09-01). Not after the current month, not before 2000."""
    today = today or timezone.localdate()
    year = month = 0
    if isinstance(value, date):  # a datetime too
        year, month = value.year, value.month
    else:
        text = _text(value)
        if not text:
            return None, _("the month is missing")
        if match := _MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            if match[3] is not None and not 1 <= int(match[3]) <= 31:
                month = 0
        elif match := _COMPACT_MONTH.match(text):
            year, month = int(match[1]), int(match[2])
        else:
            return None, _(
                "the month %(value)s is not a month (write it as 2026-09 or 2026年9月)"
            ) % {"value": _shown(value)}
    if not 1 <= month <= 12:
        return None, _("the month %(value)s is not a month (write it as 2026-09 or 2026年9月)") % {
            "value": _shown(value)
        }
    if year < 2000:
        return None, _("the month %(value)s is too long ago") % {"value": _shown(value)}
    first = date(year, month, 1)
    if first > first_of_month(today):
        return None, _("the month %(value)s has not come yet") % {"value": _shown(value)}
    return first, ""


def parse_figure(value: Any) -> tuple[int | None, str]:
    """``(figure, "")`` or ``(None, why not)``: a whole number from 0, as a number or as text
    (``1,234`` and ``12件`` are read)."""
    if isinstance(value, bool):
        value = _text(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None, _("the filings %(value)s are not a whole number") % {
                "value": _shown(value)
            }
        number = int(value)
    else:
        text = _text(value).replace(",", "").replace(" ", "").removesuffix("件")
        if not text:
            return None, _("the number of filings is missing")
        if re.fullmatch(r"-\d+", text):
            return None, _("the filings %(value)s are below zero") % {"value": _shown(value)}
        if re.fullmatch(r"\d+\.0*", text):
            text = text.split(".", 1)[0]
        if not text.isdigit() or not text.isascii():
            return None, _("the filings %(value)s are not a whole number") % {
                "value": _shown(value)
            }
        number = int(text)
    if number < 0:
        return None, _("the filings %(value)s are below zero") % {"value": _shown(value)}
    if number > MAX_FIGURE:
        return None, _("the filings %(value)s are more than a community's court receives") % {
            "value": _shown(value)
        }
    return number, ""


def _csv_rows(content: bytes) -> Iterator[list[Any]]:
    """The rows of a CSV file: UTF-8 with or without its BOM, or GBK (GB18030, which holds
    GBK) as Excel saves it on a Chinese Windows; comma, semicolon or tab separated."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError as error:
            raise CourtFileRefused(
                [RowProblem(0, _("The file is neither UTF-8 nor GBK text: save it as CSV."))]
            ) from error
    if "\x00" in text:
        raise CourtFileRefused(
            [RowProblem(0, _("The file is not a CSV file: save it as CSV or XLSX."))]
        )
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    """The rows of an XLSX workbook's first sheet, its values only (a formula's saved value,
    never the formula)."""
    from openpyxl import load_workbook  # noqa: PLC0415  only imports need it

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise CourtFileRefused(
            [RowProblem(0, _("The file is damaged: save it again as XLSX or CSV."))]
        ) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise CourtFileRefused([RowProblem(0, _("The workbook is too large to read."))])
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise CourtFileRefused(
            [RowProblem(0, _("The file is damaged: save it again as XLSX or CSV."))]
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _rows(content: bytes, name: str) -> Iterator[list[Any]]:
    if content.startswith(_XLSX_MAGIC):
        return _xlsx_rows(content)
    if content.startswith(_OLD_EXCEL_MAGIC):
        raise CourtFileRefused(
            [RowProblem(0, _("Old Excel files (.xls) are not read: save it as XLSX or CSV."))]
        )
    return _csv_rows(content)


def _header(row: list[Any]) -> dict[str, int]:
    """Which column holds what, from a header row (empty when the row is not the header)."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = _header_key(cell)
        for role, words in HEADERS.items():
            if key in words and role not in columns:
                columns[role] = index
    return columns


def _cell(row: list[Any], columns: dict[str, int], role: str) -> Any:
    return row[columns[role]] if columns[role] < len(row) else None


class _Places:
    """The communities a file may name, found by division code or by name (alone, with
    社区 or 居委会 added or left off, or after the street's name)."""

    #: Names looked up outside the allowed communities at most (to say whose they are).
    LOOKUPS = 50

    def __init__(self, allowed: Iterable[Community]) -> None:
        self.allowed = list(allowed)
        self.outside: dict[str, str] = {}
        self.by_code = {c.code: c for c in self.allowed}
        self.by_name: dict[str, list[Community]] = {}
        for c in self.allowed:
            for key in {self._key(c.name), self._key(f"{c.street.name}{c.name}")}:
                self.by_name.setdefault(key, []).append(c)

    @staticmethod
    def _key(name: str) -> str:
        name = re.sub(r"\s", "", _text(name))
        for suffix in NAME_SUFFIXES:
            if name.endswith(suffix):
                name = name.removesuffix(suffix) + "社区"
                break
        if not name.endswith("社区"):
            name += "社区"
        return name

    def find(self, value: Any) -> tuple[Community | None, str]:
        text = _text(value)
        if not text:
            return None, _("the community is missing")
        if text in self.by_code:
            return self.by_code[text], ""
        found = self.by_name.get(self._key(text), [])
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, _(
                "more than one community is called %(value)s: write its division code or "
                "the street's name before it"
            ) % {"value": _shown(value)}
        if text not in self.outside:
            if len(self.outside) < self.LOOKUPS:
                self.outside[text] = self._elsewhere(text)
            else:
                return None, _("%(value)s is not one of your communities") % {"value": _shown(text)}
        return None, self.outside[text]

    def _elsewhere(self, text: str) -> str:
        """Why a community not among the allowed is refused (one query or two): another
        district's, another street's, or unknown."""
        key = self._key(text)
        stored = Community.objects.select_related("street__district").filter(code=text).first()
        if stored is None:
            for c in Community.objects.select_related("street__district").filter(
                name__in={text, key, key.removesuffix("社区")}
            ):
                stored = c
                break
        if stored is None:
            return _("there is no community %(value)s") % {"value": _shown(text)}
        districts = {c.street.district_id for c in self.allowed}
        if stored.street.district_id not in districts:
            return _("%(value)s is in %(district)s, not in this district") % {
                "value": _shown(text),
                "district": stored.street.district.name,
            }
        return _("%(value)s is in %(street)s, not in your street") % {
            "value": _shown(text),
            "street": stored.street.name,
        }


def check_court_file(
    upload: UploadedFile, *, communities: Iterable[Community], today: date | None = None
) -> CourtFile:
    """The figures of a court's file (CSV or XLSX; columns 社区, 月份, 民事一审收案 in any
    order, under a title if need be) for ``communities`` (the person's). Raises
    ``CourtFileRefused`` with every problem, row by row, when any row is wrong: a file is
    taken whole or not at all."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise CourtFileRefused([RowProblem(0, _too_big())])
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise CourtFileRefused([RowProblem(0, _too_big())])
    if not content.strip():
        raise CourtFileRefused([RowProblem(0, _("The file is empty."))])
    places = _Places(communities)
    problems: list[RowProblem] = []
    figures: list[Figure] = []
    seen: dict[tuple[int, date], int] = {}
    columns: dict[str, int] = {}
    totals = 0
    for number, row in enumerate(_rows(content, upload.name or ""), start=1):
        if number > MAX_ROWS:
            raise CourtFileRefused(
                [RowProblem(0, _("The file has more than %(rows)d rows.") % {"rows": MAX_ROWS})]
            )
        if not columns:
            found = _header(row)
            if len(found) == 2:  # a header that lacks a column
                missing = [TEMPLATE_HEADER[i] for i, key in enumerate(HEADERS) if key not in found]
                raise CourtFileRefused(
                    [
                        RowProblem(
                            number,
                            _("the header has no column %(columns)s")
                            % {"columns": "、".join(missing)},
                        )
                    ]
                )
            if len(found) == 3:
                columns = found
            elif number >= HEADER_SEARCH:
                break
            continue
        if not any(_text(value) for value in row):
            continue
        if re.sub(r"\s", "", _text(_cell(row, columns, COMMUNITY))).lower() in TOTAL_ROWS:
            totals += 1
            continue
        community, place_problem = places.find(_cell(row, columns, COMMUNITY))
        month, month_problem = parse_month(_cell(row, columns, MONTH), today=today)
        figure, figure_problem = parse_figure(_cell(row, columns, FIGURE))
        wrong = [p for p in (place_problem, month_problem, figure_problem) if p]
        if community is not None and month is not None:
            first = seen.setdefault((community.pk, month), number)
            if first != number:
                wrong.append(
                    _("%(community)s %(month)s is already on row %(row)d")
                    % {"community": community.name, "month": f"{month:%Y-%m}", "row": first}
                )
        if wrong:
            problems.append(RowProblem(number, "；".join(wrong)))
        elif community is not None and month is not None and figure is not None:
            figures.append(Figure(community, month, figure, number))
    if not columns:
        raise CourtFileRefused(
            [
                RowProblem(
                    0,
                    _("No header found: the file's first rows must name the columns %(columns)s.")
                    % {"columns": "、".join(TEMPLATE_HEADER)},
                )
            ]
        )
    if problems:
        raise CourtFileRefused(problems[:MAX_ERRORS], more=max(0, len(problems) - MAX_ERRORS))
    if not figures:
        raise CourtFileRefused([RowProblem(0, _("The file holds no figures."))])
    return CourtFile(file_name(upload), figures, totals)


def _too_big() -> str:
    return _("The file is larger than %(size)d MB: a court's monthly figures are far smaller.") % {
        "size": MAX_BYTES // (1024 * 1024)
    }


def file_name(upload: UploadedFile) -> str:
    """The uploaded file's name as it is kept and shown (no path, no control characters)."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else "csv"
    return clean_filename(name, extension if extension in ("csv", "xlsx", "txt") else "csv")


# --- saving ---------------------------------------------------------------------------------


@transaction.atomic
def do_import_court_filings(
    court_file: CourtFile, *, actor: User, request: HttpRequest | None = None
) -> Saved:
    """Save a checked file's figures, all or none: a figure new for its community and month is
    added, a different one replaces the stored one (which goes up a version, so a month's page
    opened before is out of date), the same one is left. One audit entry lists every figure
    added and every correction with its old value."""
    now = timezone.now()
    figures, name = court_file.figures, court_file.name
    months = {f.month for f in figures}
    stored = {
        (r.community_id, r.month): r
        for r in CourtFilingCount.objects.select_for_update()
        .select_related("community")
        .filter(month__in=months, community__in={f.community.pk for f in figures})
    }
    saved = Saved(totals_skipped=court_file.totals)
    for f in figures:
        current = stored.get((f.community.pk, f.month))
        if current is None:
            saved.created.append(
                CourtFilingCount(
                    community=f.community,
                    month=f.month,
                    civil_first_instance=f.figure,
                    source=FilingSource.IMPORTED,
                    file_name=name,
                    entered_by=actor,
                    entered_at=now,
                )
            )
        elif current.civil_first_instance == f.figure:
            saved.unchanged += 1
        else:
            old = current.civil_first_instance
            CourtFilingCount.objects.filter(pk=current.pk).update(
                civil_first_instance=f.figure,
                source=FilingSource.IMPORTED,
                file_name=name,
                entered_by=actor,
                entered_at=now,
                row_version=F("row_version") + 1,
            )
            current.civil_first_instance = f.figure
            saved.changed.append((current, old))
    try:
        with transaction.atomic():
            CourtFilingCount.objects.bulk_create(saved.created)
    except IntegrityError as error:  # someone typed one of these months in meanwhile
        raise CourtFileRefused(
            [RowProblem(0, _("Someone saved figures of these months meanwhile: import again."))]
        ) from error
    audit(
        AuditEvent.COURT_IMPORTED,
        request=request,
        user=actor,
        object_type="courtfilingcount",
        object_id=name[:50],
        detail={"file": name, **saved.detail()},
    )
    return saved


@dataclass(frozen=True)
class Typed:
    """A figure typed on a month's page, and the version of the stored one the page showed
    (0: the page showed none)."""

    community: Community
    figure: int | None
    seen_version: int


def _now_stored(record: CourtFilingCount) -> Change:
    return Change(
        f"f_{record.community_id}",
        record.community.name,
        _("%(figure)d (entered by %(who)s)")
        % {"figure": record.civil_first_instance, "who": record.entered_by},
    )


@transaction.atomic
def do_save_court_filings(
    month: date, typed: Sequence[Typed], *, actor: User, request: HttpRequest | None = None
) -> Saved:
    """Save a month's figures typed in, all or none. A figure the page showed and someone has
    changed since (or added, where the page showed none) is not overwritten: ``Stale`` lists
    each with its figure now, and nothing is saved. An empty box leaves the month as it is;
    a figure equal to the stored one changes nothing. Audited (one entry, old and new)."""
    now = timezone.now()
    stored = {
        r.community_id: r
        for r in CourtFilingCount.objects.select_for_update()
        .select_related("community", "entered_by")
        .filter(month=month, community__in=[t.community.pk for t in typed])
    }
    saved = Saved()
    conflicts: list[Change] = []
    updates: list[tuple[CourtFilingCount, int, int]] = []
    for t in typed:
        current = stored.get(t.community.pk)
        if t.figure is None or (current is not None and current.civil_first_instance == t.figure):
            continue
        if (current.row_version if current else 0) != t.seen_version:
            if current is not None:
                conflicts.append(_now_stored(current))
            continue
        if current is None:
            saved.created.append(
                CourtFilingCount(
                    community=t.community,
                    month=month,
                    civil_first_instance=t.figure,
                    source=FilingSource.TYPED,
                    entered_by=actor,
                    entered_at=now,
                )
            )
        else:
            updates.append((current, t.seen_version, t.figure))
    if conflicts:
        raise Stale(changes=conflicts)
    for current, seen, figure in updates:
        done = CourtFilingCount.objects.filter(pk=current.pk, row_version=seen).update(
            civil_first_instance=figure,
            source=FilingSource.TYPED,
            file_name="",
            entered_by=actor,
            entered_at=now,
            row_version=F("row_version") + 1,
        )
        if not done:  # changed between the read and the write (no row lock on SQLite)
            raise Stale(changes=[_now_stored(CourtFilingCount.objects.get(pk=current.pk))])
        old = current.civil_first_instance
        current.civil_first_instance = figure
        saved.changed.append((current, old))
    try:
        with transaction.atomic():
            CourtFilingCount.objects.bulk_create(saved.created)
    except IntegrityError:  # added by someone else since the read
        added = CourtFilingCount.objects.select_related("community", "entered_by").filter(
            month=month, community__in=[r.community_id for r in saved.created]
        )
        raise Stale(changes=[_now_stored(r) for r in added]) from None
    if saved.created or saved.changed:
        audit(
            AuditEvent.COURT_ENTERED,
            request=request,
            user=actor,
            object_type="courtfilingcount",
            object_id=f"{month:%Y-%m}",
            detail={"month": f"{month:%Y-%m}", **saved.detail()},
        )
    return saved


def template_csv(communities: Iterable[Community], month: date) -> bytes:
    """A file to fill in: the header and a row per community for ``month`` (UTF-8 with its
    BOM, so that Excel opens it in Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADER)
    for community in communities:
        writer.writerow([safe_cell(community.name), f"{month:%Y-%m}", ""])
    return out.getvalue().encode("utf-8-sig")
