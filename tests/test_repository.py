"""The repository keeps its promises: the README's commands are the ones CI runs, and the
files a user looks for are there."""

from __future__ import annotations

import re

import yaml


def fenced_commands(readme: str) -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", readme, flags=re.S)


def test_ci_runs_exactly_the_readme_test_command(repo):
    commands = fenced_commands((repo / "README.md").read_text(encoding="utf-8"))
    test_command = next(c for c in commands if "pytest" in c)
    ci_lines = (repo / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines


def test_ci_runs_the_redistribution_check(repo):
    ci = (repo / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 ../shared/tools/redistribution_check.py ." in ci
    assert "set -euo pipefail" in ci
    # a failing install inside the README's && list must still fail CI
    lines = ci.splitlines()
    test_line = next(i for i, line in enumerate(lines) if "pytest" in line and "pip install" in line)
    assert lines[test_line + 2].startswith('status=$?; [ "$status" -eq 0 ] || exit')
    assert "python3 -m venv" in ci


def test_main_job_command_runs_castcorpus(repo):
    # The main job is the build, which validates the corpus before it writes anything.
    commands = fenced_commands((repo / "README.md").read_text(encoding="utf-8"))
    assert any("castcorpus build" in c and "pip install" in c and "\n" not in c for c in commands)


def test_top_level_layout(repo):
    for name in ("corpus", "schema", "scripts", "tests", "pyproject.toml", "DATASHEET.md",
                 "README.md", "CITATION.cff", "LICENSE", "docs", "src/castcorpus/py.typed"):
        assert (repo / name).exists(), name
    for name in ("outlets.json", "actors.json", "collections.json", "texts", "documents", "annotations", "passes"):
        assert (repo / "corpus" / name).exists(), name


def test_citation_file_is_valid_yaml_with_title_and_license(repo):
    citation = yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["license"] == "CC-BY-4.0"
    assert "CAST-Syria" in citation["title"]


def test_dataset_version_is_the_same_everywhere_and_has_a_changelog_entry(repo):
    import json

    from castcorpus.version import __version__

    release = json.loads((repo / "corpus" / "release.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == release["version"]
    assert citation["date-released"] == release["date"]
    software = next(r for r in citation["references"] if r["type"] == "software")
    assert software["version"] == __version__  # the package keeps its own version
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {release['version']} ({release['date']})" in changelog
    assert f"Dataset version **{release['version']}**" in (repo / "DATASHEET.md").read_text(encoding="utf-8")
