"""The ``castcorpus`` command line: a thin layer over the library.

Each subcommand lives in ``castcorpus.commands.<name>`` and provides ``register(subparsers)``,
which adds its parser and sets ``func``; ``func(args)`` returns the exit code. Exit codes:
0 success, 1 the input is invalid (findings were printed), 2 the input is unusable or the
command line is wrong.
"""

from __future__ import annotations

import argparse
import pkgutil
import sys
from importlib import import_module

from . import __version__, commands


def command_names() -> list[str]:
    """The subcommand modules in ``castcorpus.commands`` (module ``foo_bar`` is ``foo-bar``)."""
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))


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
        import_module(f".commands.{name}", __package__).register(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help(sys.stderr)
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
