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


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
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
        module.register(sub)
    return top


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
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help(sys.stderr)
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
