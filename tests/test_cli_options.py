"""One spelling per shared option: every command that takes the corpus, the cache, an output,
workers or JSON output declares it through castcorpus.cli.options, with the same help."""

from __future__ import annotations

import argparse

import pytest

from castcorpus.cli import options
from castcorpus.cli.main import main, parser
from castcorpus.release.jobs import MAX_DEFAULT_JOBS

SHARED = ("--corpus", "--cache", "--out", "--jobs", "--json")


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _option(cmd: argparse.ArgumentParser, flag: str) -> argparse.Action | None:
    return next((a for a in cmd._actions if flag in a.option_strings), None)


@pytest.mark.parametrize("flag", ["--corpus", "--cache", "--jobs"])
def test_a_shared_option_has_one_help_everywhere(flag):
    helps = {name: _option(cmd, flag).help for name, cmd in _commands().items() if _option(cmd, flag)}
    assert helps and len({h.replace(" to take examples from", "") for h in helps.values()}) == 1, helps


def test_no_command_takes_the_corpus_any_other_way():
    for name, cmd in _commands().items():
        for action in cmd._actions:
            if action.dest in ("corpus", "path", "corpus_root", "root"):
                assert action.option_strings == ["--corpus"], name
            if action.dest == "legacy_corpus":  # the old positional form, kept working, never shown
                assert action.help == argparse.SUPPRESS, name


def test_every_output_is_out_and_says_its_default():
    for name, cmd in _commands().items():
        action = _option(cmd, "--out")
        if action:
            assert action.metavar in ("FILE", "DIR"), name
            assert "(default: " in action.help or "(required)" in action.help, name


def test_the_jobs_help_states_the_real_default():
    assert f"at most {MAX_DEFAULT_JOBS}" in _option(_commands()["build"], "--jobs").help


def test_the_corpus_given_twice_is_refused(capsys, repo):
    minimal = str(repo / "tests" / "data" / "valid" / "minimal")
    assert main(["validate", minimal, "--corpus", minimal]) == 2
    assert "give --corpus only" in capsys.readouterr().err
    assert main(["validate", "--corpus", minimal]) == 0
    assert main(["validate", minimal]) == 0  # the old positional form still works


def test_a_command_without_a_corpus_is_left_alone():
    args = argparse.Namespace(command="evaluate")
    assert options.resolve(args) is None and not hasattr(args, "corpus")
