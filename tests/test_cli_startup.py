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


def test_help_of_the_program_and_of_validate_imports_no_heavy_library():
    # What `castcorpus --help` and `castcorpus validate --help` load, in a fresh interpreter
    # (the time they take is measured in docs/benchmarks.md, not here).
    code = ("import sys, json, contextlib, io\n"
            "from castcorpus.cli.main import main\n"
            "for argv in (['--help'], ['validate', '--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try:\n"
            "            main(argv)\n"
            "        except SystemExit:\n"
            "            pass\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert loaded == []


def test_every_command_help_imports_no_heavy_library():
    from castcorpus.cli.main import command_names

    code = ("import sys, json, contextlib, io\n"
            "from castcorpus.cli.main import main, command_names\n"
            "for name in command_names():\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try:\n"
            "            main([name.replace('_', '-'), '--help'])\n"
            "        except SystemExit:\n"
            "            pass\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    assert command_names()  # export, import, publish and baseline among them
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert loaded == []
