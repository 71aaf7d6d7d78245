"""The import direction, checked on every module's source (function-local imports included):
``cases → scheduling → clinic``; nothing imports a views module but a URLconf; inside
``cases`` the workflows in the order ``cases/__init__.py`` states."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: ``cases``' layers, lowest first: a module imports only from its own layer or a lower one.
#: A workflow's ``views`` and ``urls`` belong to the top layer, whatever their package.
CASES_LAYERS = [
    {"cases.choices", "cases.models", "cases.deadlines", "cases.dates"},
    {
        "cases.access",
        "cases.people",
        "cases.changes",
        "cases.timeline",
        "cases.jobs",
        "cases.duty",
        "cases.meetings",
        "cases.number_register",
    },
    {"cases.actions", "cases.forms", "cases.answers", "cases.intake"},
    {"cases.follow_ups"},
    {"cases.mediation"},
    {"cases.consultations"},
    {"cases.visits"},
    {"cases.sweeps"},
    {"cases.documents", "cases.statistics", "cases.subsidies", "cases.subtypes"},
    {
        "cases.selectors",
        "cases.transitions",
        "cases.pages",
        "cases.views",
        "cases.urls",
        "cases.templatetags",
        "cases.tasks",
        "cases.admin",
        "cases.apps",
        "cases.management",
        "cases.notices",
    },
]

#: The upward imports allowed, each with why (both are function-local).
UPWARD = {
    ("cases.models.case", "cases.access"): "a transition's permission and visible_to() ask who "
    "may do what, which access reads from the models",
}


def modules(app: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # ``from cases import access`` imports the module cases.access
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def layer(module: str) -> int:
    if module.rsplit(".", 1)[-1] in {"views", "urls"} or ".views." in module:
        return len(CASES_LAYERS) - 1
    for number, members in enumerate(CASES_LAYERS):
        if any(module == m or module.startswith(m + ".") for m in members):
            return number
    raise AssertionError(f"{module} is in no layer of CASES_LAYERS: place it")


def project_modules(name: str, known: dict[str, Path]) -> str | None:
    """The project module ``name`` refers to (a name imported from a module maps to it)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def test_clinic_imports_neither_other_app() -> None:
    wrong = [
        f"{module} imports {name}"
        for module, path in modules("clinic").items()
        for name in imported(path)
        if name.split(".")[0] in {"cases", "scheduling"}
    ]
    assert wrong == []


def test_scheduling_never_imports_cases() -> None:
    wrong = [
        f"{module} imports {name}"
        for module, path in modules("scheduling").items()
        for name in imported(path)
        if name.split(".")[0] == "cases"
    ]
    assert wrong == []


def test_nothing_but_a_urlconf_imports_a_views_module() -> None:
    known = {**modules("clinic"), **modules("scheduling"), **modules("cases")}
    wrong = []
    for module, path in known.items():
        if module.endswith(".urls"):
            continue
        for name in imported(path):
            target = project_modules(name, known)
            if target and target != module and f"{target}.".count(".views."):
                wrong.append(f"{module} imports {target}")
    assert sorted(set(wrong)) == []


def test_cases_modules_import_only_from_their_layer_or_below() -> None:
    known = modules("cases")
    wrong = []
    for module, path in known.items():
        if module == "cases":
            continue
        own = layer(module)
        for name in imported(path):
            target = project_modules(name, known)
            if target is None or target == "cases" or target == module:
                continue
            if layer(target) > own and (module, target) not in UPWARD:
                wrong.append(f"{module} (layer {own}) imports {target} (layer {layer(target)})")
    assert sorted(set(wrong)) == []


def test_every_cases_module_has_a_layer() -> None:
    for module in modules("cases"):
        if module != "cases":
            layer(module)
