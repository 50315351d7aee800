"""Export folders and zips: one ``<document>.xmi`` per document beside ``TypeSystem.xml``.

This is the layout INCEpTION's own "UIMA CAS XMI (XML 1.0)" export has (the XMI file and the
type system side by side), so its files and ours are read the same way. Reading collects
findings per XMI file (malformed XML, types the type system does not declare); a path that is no
folder or zip, or holds no XMI file, is unusable input (:class:`BundleError`).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from castcorpus.report import Issue

TYPESYSTEM = "TypeSystem.xml"
#: The largest XMI or type system file read (a zip could expand without bound).
MAX_MEMBER_BYTES = 64 * 1024 * 1024


class BundleError(Exception):
    """The path cannot be read as an export (not there, not a folder or zip, no XMI file)."""


@dataclass
class Bundle:
    """The files of an export: XMI files and type systems by their path inside it."""

    xmi: dict[str, bytes] = field(default_factory=dict)
    typesystems: dict[str, bytes] = field(default_factory=dict)

    def typesystem_for(self, name: str) -> tuple[str, bytes] | None:
        """The type system beside an XMI file, else the one at the top, else None."""
        for folder in (str(PurePosixPath(name).parent), "."):
            for path, data in self.typesystems.items():
                if str(PurePosixPath(path).parent) == folder:
                    return path, data
        return None


def write_bundle(out: Path, documents: dict[str, bytes], typesystem_xml: str) -> None:
    """Write the XMI files (by document id) and the type system to a folder, or to a zip when
    ``out`` ends in ``.zip``; nothing is left half written when writing fails."""
    files = {f"{doc_id}.xmi": data for doc_id, data in documents.items()}
    files[TYPESYSTEM] = typesystem_xml.encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".zip":
        _write_zip(out, files)
    else:
        _write_folder(out, files)


def _write_zip(out: Path, files: dict[str, bytes]) -> None:
    handle, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(handle)
    try:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(files.items()):
                archive.writestr(name, data)
        os.replace(temp, out)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _write_folder(out: Path, files: dict[str, bytes]) -> None:
    temp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    try:
        for name, data in files.items():
            (temp / name).write_bytes(data)
        out.mkdir(exist_ok=True)
        for name in files:
            os.replace(temp / name, out / name)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def read_bundle(path: Path) -> Bundle:
    """The XMI files and type systems of an export folder or zip (searched at any depth)."""
    if path.is_dir():
        members = {p.relative_to(path).as_posix(): p for p in sorted(path.rglob("*")) if p.is_file()}
        bundle = _collect({name: p.read_bytes for name, p in members.items() if _wanted(name)},
                          {name: p.stat().st_size for name, p in members.items()})
    elif path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            infos = {info.filename: info for info in archive.infolist() if not info.is_dir()}
            bundle = _collect({name: (lambda n=name: archive.read(n)) for name in infos if _wanted(name)},
                              {name: info.file_size for name, info in infos.items()})
    elif path.exists():
        raise BundleError(f"{path}: neither a folder nor a zip file")
    else:
        raise BundleError(f"{path}: no such folder or zip file")
    if not bundle.xmi:
        raise BundleError(f"{path}: holds no .xmi file")
    return bundle


def _wanted(name: str) -> bool:
    base = PurePosixPath(name).name.lower()
    return base.endswith(".xmi") or base == TYPESYSTEM.lower()


def _collect(readers: dict, sizes: dict[str, int]) -> Bundle:
    bundle = Bundle()
    for name, read in readers.items():
        if sizes[name] > MAX_MEMBER_BYTES:
            raise BundleError(f"{name}: {sizes[name]} bytes, over the limit of {MAX_MEMBER_BYTES}")
        target = bundle.xmi if name.lower().endswith(".xmi") else bundle.typesystems
        target[name] = read()
    return bundle


def load_typesystem(bundle: Bundle, name: str, ours) -> tuple[object | None, list[Issue]]:
    """The type system to read one XMI file with: the bundle's (INCEpTION exports its project's)
    merged with ours, or ours alone when the bundle has none."""
    import cassis

    found = bundle.typesystem_for(name)
    if found is None:
        return ours, []
    path, data = found
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return cassis.merge_typesystems(cassis.load_typesystem(io.BytesIO(data)), ours), []
    except Exception as err:  # cassis raises lxml, type and value errors alike for bad descriptors
        return None, [Issue(path, "", "inception-typesystem-malformed", f"the type system cannot be read: {_short(err)}")]


def load_cas(data: bytes, typesystem, name: str) -> tuple[object | None, list[Issue]]:
    """The CAS of one XMI file, or None with the finding that says why it cannot be read."""
    import cassis
    from cassis.typesystem import TypeNotFoundError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return cassis.load_cas_from_xmi(io.BytesIO(data), typesystem=typesystem, lenient=False), []
    except TypeNotFoundError as err:
        return None, [Issue(name, "", "inception-unknown-type",
                            f"{_short(err)} (the type system beside the XMI file does not declare it)")]
    except Exception as err:  # malformed XML, dangling references, bad offsets, values of the wrong type
        return None, [Issue(name, "", "inception-xmi-malformed", f"not a readable UIMA CAS XMI file: {_short(err)}")]


def _short(err: Exception, limit: int = 200) -> str:
    """An exception's message on one line, cut to ``limit`` characters."""
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
