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


def _loaded_by_help(modules: list[str]) -> list[str]:
    """Which of ``modules`` `castcorpus --help` and `castcorpus validate --help` load, in a fresh
    interpreter (the time they take is measured in docs/benchmarks.md, not here)."""
    code = ("import sys, json, contextlib, io\n"
            "from castcorpus.cli.main import main\n"
            "for argv in (['--help'], ['validate', '--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try:\n"
            "            main(argv)\n"
            "        except SystemExit:\n"
            "            pass\n"
            f"print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))")
    run = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def test_help_of_the_program_and_of_validate_imports_no_heavy_library():
    assert _loaded_by_help(HEAVY) == []


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


#: Lighter than HEAVY but a large share of a start-up measured in tens of milliseconds: the
#: corpus reader (with orjson and the report), and inspect (pulled in by dataclasses and by
#: pkgutil's module listing). Each command imports them when it runs, not to build its parser.
START_UP = ["castcorpus.corpus.reader", "castcorpus.corpus.jsonio", "castcorpus.report", "orjson", "inspect",
            "dataclasses", "castcorpus.splits.events", "castcorpus.splits.near_duplicates"]


def test_help_of_the_program_and_of_validate_leaves_the_library_for_later():
    assert _loaded_by_help(START_UP) == []


def test_the_command_list_is_the_folder_listing(tmp_path):
    from castcorpus.cli import module_names

    for name in ("b_command.py", "a_command.py", "_private.py", "notes.txt"):
        (tmp_path / name).write_text("")
    (tmp_path / "folder").mkdir()
    assert module_names([str(tmp_path)]) == ["a_command", "b_command"]


def _help(build, argv: list[str]) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            build().parse_args(argv)
        except SystemExit:
            pass
    return out.getvalue()


def test_the_lean_parser_helps_as_the_full_one(monkeypatch):
    # main() gives only the command asked for its options; every help text stays the same.
    from castcorpus.cli.main import command_names, parser

    monkeypatch.setenv("COLUMNS", "100")
    assert _help(lambda: parser(lean=True), ["--help"]) == _help(parser, ["--help"])
    for name in command_names():
        command = name.replace("_", "-")
        lean = _help(lambda: parser(command, lean=True), [command, "--help"])
        assert lean == _help(parser, [command, "--help"]) and f"usage: castcorpus {command}" in lean


def test_a_lean_parser_drops_the_options_of_the_other_commands():
    from castcorpus.cli.main import parser

    lean = parser("validate", lean=True)
    assert lean.parse_args(["validate", "--json"]).json is True
    try:
        lean.parse_args(["build", "--jobs", "2"])
    except SystemExit as exit:
        assert exit.code == 2  # build's options were not added: unrecognized
    else:
        raise AssertionError("a lean parser for validate took build's options")
