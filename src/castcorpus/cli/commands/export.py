"""``castcorpus export FORMAT``: annotation files as input for an annotation tool."""

from __future__ import annotations

from castcorpus.cli.interop import format_modules
from . import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "export",
                      "Write annotation files in the format of an annotation tool (docs/interop.md).",
                      "castcorpus export label-studio --document duran-2018-04-russian-airstrikes-damascus --out ls/")
    formats = cmd.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for module in format_modules():
        module.register_export(formats)
