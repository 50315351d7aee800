"""The command line starts quickly: building the parser imports no heavy library, and a
command whose optional dependency is missing does not break the others."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["datasets", "pyarrow", "pandas", "sklearn", "seqeval", "matplotlib", "mlcroissant", "networkx", "jinja2",
         "numpy", "jsonschema", "referencing", "ftfy", "krippendorff"]


def test_building_the_parser_imports_no_heavy_library():
    code = ("import sys, json; from castcorpus.cli.main import parser; parser(); "
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert loaded == []


def test_a_command_with_a_missing_dependency_is_reported_not_fatal(monkeypatch, capsys, repo):
    import importlib

    from castcorpus.cli import main as cli

    def import_module(name, package=None):
        if name.endswith(".network"):
            raise ImportError("No module named 'networkx'", name="networkx")
        return importlib.import_module(name, package)

    monkeypatch.setattr(cli, "import_module", import_module)
    assert cli.main(["network", "--format", "csv"]) == 2
    assert "networkx" in capsys.readouterr().err
    assert cli.main(["validate", str(repo / "tests" / "data" / "valid" / "minimal")]) == 0
