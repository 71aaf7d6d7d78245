"""``manage.py render_document "(2026)盘金人调字第17号" agreement -o 协议.pdf``: any document
of a case from the command line, for batch printing. KIND: register, notice, record,
agreement, oral, joint_opinion, followup, confirmation, casefile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from cases.documents import papers
from cases.models import Case
from clinic.lib.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Render a document of a case to a PDF file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_number")
        parser.add_argument("kind", choices=sorted(papers.KINDS))
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument(
            "--full-ids", action="store_true", help="ID numbers in full where the form needs them"
        )

    def handle(self, *args: Any, case_number: str, kind: str, output: str, **options: Any) -> None:
        case = Case.objects.filter(number=case_number).first()
        if case is None:
            raise CommandError(f"No case numbered {case_number}.")
        if kind != "casefile" and kind not in papers.available(papers.load(case)):
            raise CommandError(f"{case_number} has no {kind} to print.")
        pdf = papers.render(case, kind, reveal_ids=options["full_ids"])
        Path(output).write_bytes(pdf)
        self.stdout.write(f"{output}: {len(pdf)} bytes.")
