"""The codebase stays one a newcomer can live in: no Python file over 400 lines, no function over
60 (docs/architecture.md). A function that must stay longer says why in a comment on the line
above its ``def`` or decorator, starting ``# longer than 60 lines:``."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("dagster_project", "tests", "benchmarks")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
EXCUSE = "# longer than 60 lines:"


def python_files() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py"))


def long_functions(path: Path, root: Path = ROOT) -> list[str]:
    lines = path.read_text().splitlines()
    found = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = node.end_lineno - node.lineno + 1
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        excused = first >= 2 and lines[first - 2].strip().startswith(EXCUSE)
        if length > MAX_FUNCTION_LINES and not excused:
            found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_the_checker_finds_a_long_function_and_takes_an_excuse(tmp_path):
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    path = tmp_path / "long.py"
    path.write_text(f"def long():\n{body}")
    assert [f.split(" ")[1] for f in long_functions(path, tmp_path)] == ["long"]
    path.write_text(f"{EXCUSE} a reason\ndef long():\n{body}")
    assert long_functions(path, tmp_path) == []


def test_no_python_file_is_over_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in python_files()
        if (n := len(p.read_text().splitlines())) > MAX_FILE_LINES
    }
    assert long == {}


def test_no_function_is_over_60_lines_without_a_reason():
    assert [f for p in python_files() for f in long_functions(p)] == []
