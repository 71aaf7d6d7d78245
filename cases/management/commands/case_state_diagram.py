"""``manage.py case_state_diagram``: the case state machine as a Mermaid diagram, generated
from the ``@transition`` declarations on ``Case`` (the README embeds its output)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.models import Case


def mermaid() -> str:
    field = Case._meta.get_field("state")
    lines = ["stateDiagram-v2", "    [*] --> registered"]
    edges: list[tuple[str, str, str]] = []
    for transition in field.get_all_transitions(Case):
        targets = getattr(transition.target, "allowed_states", None) or [transition.target]
        for target in targets:
            if target == transition.source:
                continue
            edges.append((str(transition.source), str(target), transition.name))
    for source, target, name in sorted(set(edges)):
        lines.append(f"    {source} --> {target}: {name}")
    lines.append("    closed --> [*]")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print the case state machine as a Mermaid state diagram."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(mermaid())
