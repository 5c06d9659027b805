"""A finished run's manifest: which files it wrote, with their sizes and checksums.

``manifest.json`` is written last, atomically, once every output file is in place; it lists each
file (relative path, size in bytes, sha256) with the code that wrote them (package version and
:data:`~simulator.run.identity.CODE_FINGERPRINT`) and the run's
:func:`~simulator.run.identity.config_hash`. A run directory is complete exactly when its manifest
verifies (:func:`verify_run`): resume reuses nothing else, and the collector reads nothing else.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from simulator.run.files import write_atomic

MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 1
CHUNK = 1 << 20


def file_record(path: Path) -> dict[str, Any]:
    """Size and sha256 of one file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def describe_files(root: Path) -> dict[str, dict[str, Any]]:
    """The record of every file under ``root`` (recursively), keyed by its relative path."""
    return {p.relative_to(root).as_posix(): file_record(p) for p in sorted(root.rglob("*")) if p.is_file()}


def write_manifest(run_dir: Path, files: Mapping[str, dict[str, Any]], identity: Mapping[str, str]) -> Path:
    """Write ``manifest.json`` into ``run_dir`` atomically; ``identity`` names the code and config."""
    manifest = {"format": MANIFEST_FORMAT, **identity, "files": dict(files)}
    path = run_dir / MANIFEST_FILE
    write_atomic(path, json.dumps(manifest, indent=2, sort_keys=True))
    return path


def read_manifest(run_dir: Path) -> dict[str, Any]:
    """The manifest of a run directory (raises OSError or ValueError when missing or unreadable)."""
    manifest = json.loads((run_dir / MANIFEST_FILE).read_text())
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ValueError(f"{MANIFEST_FILE} has no file list")
    return manifest


def verify_run(
    run_dir: str | Path, expect: Mapping[str, str] | None = None, required: Iterable[str] = ()
) -> str | None:
    """Check a run directory against its manifest.

    Parameters
    ----------
    run_dir
        The run directory.
    expect
        Identity values the manifest must hold (e.g. ``config_hash``, ``code``).
    required
        Files the manifest must list (e.g. :data:`simulator.run.runner.OUTPUT_FILES`).

    Returns
    -------
    str or None
        None when every listed file is there with its size and checksum; otherwise what is
        wrong, in a few words (the first problem found).
    """
    run_dir = Path(run_dir)
    if not (run_dir / MANIFEST_FILE).is_file():
        return f"no {MANIFEST_FILE} (unfinished, interrupted or damaged)"
    try:
        manifest = read_manifest(run_dir)
    except (OSError, ValueError) as err:
        return f"{MANIFEST_FILE} is unreadable ({type(err).__name__})"
    for key, value in (expect or {}).items():
        if manifest.get(key) != value:
            return f"{MANIFEST_FILE} has {key} {manifest.get(key)!r}, expected {value!r}"
    files = manifest["files"]
    for name in required:
        if name not in files:
            return f"{name} is not in {MANIFEST_FILE}"
    for name, record in files.items():
        path = run_dir / name
        if not path.is_file():
            return f"{name} is missing"
        try:
            actual = file_record(path)
        except OSError as err:
            return f"{name} is unreadable ({err.strerror})"
        if actual["size"] != record.get("size"):
            return f"{name} has {actual['size']} bytes, the manifest says {record.get('size')}"
        if actual["sha256"] != record.get("sha256"):
            return f"{name} does not match its checksum"
    return None
