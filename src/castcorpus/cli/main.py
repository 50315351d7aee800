"""The ``castcorpus`` command line: a thin layer over the library.

Each subcommand lives in ``castcorpus.cli.commands.<name>`` and provides ``register(subparsers)``,
which adds its parser and sets ``func``; ``func(args)`` returns the exit code. Exit codes:
0 success, 1 the input is invalid (findings were printed), 2 the input is unusable or the
command line is wrong.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from castcorpus.version import __version__
from . import commands, module_names, options


def command_names() -> list[str]:
    """The subcommand modules in ``castcorpus.cli.commands`` (module ``foo_bar`` is ``foo-bar``)."""
    return module_names(commands.__path__)


def parser(only: str | None = None, lean: bool = False) -> argparse.ArgumentParser:
    """The argument parser with every subcommand. With ``lean``, only the subcommand named
    ``only`` (if any) gets its options; the others keep their name and summary, all that
    ``castcorpus --help`` lists and all that a run of another command needs (their options are
    a good part of the start-up, docs/benchmarks.md)."""
    top = argparse.ArgumentParser(
        prog="castcorpus",
        description="Validate, build and score CAST-Syria, a corpus of claims, actors and stances in news about the Syrian war.",
        epilog="Run 'castcorpus COMMAND --help' for a command's options and an example.",
    )
    top.add_argument("--version", action="version", version=f"castcorpus {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_names():
        try:
            module = import_module(f".commands.{name}", __package__)
        except ImportError as err:
            # A command whose optional dependencies are not installed must not break the others.
            _register_unavailable(sub, name, err)
            continue
        module.register(_Lean(sub, only) if lean else sub)
    return top


class _Lean:
    """The subcommands' action as a command module sees it in a lean parser: the command asked
    for is added in full, any other by name and summary only, its options dropped."""

    def __init__(self, subparsers, only: str | None):
        self.subparsers, self.only = subparsers, only

    def add_parser(self, name: str, **kwargs):
        if name == self.only:
            return self.subparsers.add_parser(name, **kwargs)
        self.subparsers.add_parser(name, help=kwargs.get("help"), add_help=False)
        return _Dropped()


class _Dropped:
    """Takes every call a command module makes on its parser (options, groups, defaults) and
    does nothing."""

    def __getattr__(self, name: str):
        return self._drop

    def _drop(self, *args, **kwargs):
        return self


def _command_asked(argv: list[str]) -> str | None:
    """The subcommand a command line names: its first word that is no option (the program's
    own options, --help and --version, take no value)."""
    return next((word for word in argv if not word.startswith("-")), None)


def _register_unavailable(subparsers, name: str, err: ImportError) -> None:
    command = name.replace("_", "-")
    missing = err.name or str(err)
    # Options of the real command are unknown here: take every argument as it comes.
    cmd = subparsers.add_parser(command, help=f"(unavailable: needs {missing})", add_help=False, prefix_chars="\0")
    cmd.add_argument("args", nargs="*")

    def run(_args) -> int:
        print(f"castcorpus {command}: needs the Python package {missing!r}, which is not installed; "
              f"install the extra that provides it (see README.md)", file=sys.stderr)
        return 2

    cmd.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    args = parser(_command_asked(argv), lean=True).parse_args(argv)
    if not getattr(args, "func", None):
        parser(lean=True).print_help(sys.stderr)
        return 2
    problem = options.resolve(args)
    if problem:
        print(f"castcorpus {args.command}: {problem}", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("castcorpus: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
