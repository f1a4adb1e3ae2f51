"""The package's stages import one way: a lower stage never imports a higher one, statistics never draw."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "framing"
#: Rank of each stage; a module may import modules of its own or a lower rank only.
RANK = {
    "errors": 0,
    "io": 0,
    "progress": 0,
    "resources": 0,
    "corpus": 1,
    "schemes": 1,
    "classifiers": 2,
    "gold": 3,
    "scoring": 4,
    "training": 4,
    "analysis": 5,
    "figures": 6,
    "report": 7,
    "pipeline": 8,
    "api": 8,
    "cli": 9,
}


def stage(module: str) -> str:
    """``framing.gold.evaluate`` -> ``gold``; ``framing`` itself -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports(path: Path) -> set[str]:
    """Every ``framing.*`` module a file imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("framing"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("framing")}
    return found


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return out


def test_every_module_belongs_to_a_stage():
    for name, _ in modules():
        assert name == "framing" or stage(name) in RANK, f"{name} is in no stage; add it to RANK"


@pytest.mark.parametrize("name,path", modules(), ids=[m for m, _ in modules()])
def test_no_module_imports_a_higher_stage(name, path):
    if name == "framing":
        return
    own = RANK[stage(name)]
    for target in imports(path):
        if target == "framing":  # the version
            continue
        assert RANK[stage(target)] <= own, f"{name} (stage {own}) imports {target} (stage {RANK[stage(target)]})"


def test_stages_of_equal_rank_do_not_import_each_other():
    for name, path in modules():
        if name == "framing":
            continue
        for target in imports(path):
            if target != "framing" and stage(target) != stage(name):
                assert RANK[stage(target)] != RANK[stage(name)] or RANK[stage(name)] == 0, f"{name} imports {target}"


def test_statistics_never_import_drawing():
    analysis = [name for name, _ in modules() if stage(name) == "analysis"]
    drawing = "('matplotlib', 'framing.figures')"
    code = f"import sys, {', '.join(analysis)}; print(sorted(m for m in {drawing} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
