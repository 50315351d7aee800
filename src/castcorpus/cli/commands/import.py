"""``castcorpus import FORMAT``: an annotation tool's export back to annotation files.

The module's name is the command's; Python code imports it only by name
(``importlib.import_module``), since ``import`` is a keyword."""

from __future__ import annotations

from castcorpus.cli.interop import format_modules
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "import",
                      "Turn an annotation tool's export into annotation files, checked before anything is written "
                      "(docs/interop.md).",
                      "castcorpus import label-studio export.json --out corpus/annotations")
    formats = cmd.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for module in format_modules():
        module.register_import(formats)
