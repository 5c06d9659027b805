"""Serve the dashboard without internet access: fetch Solara's browser assets from npm.

Solara's page loads its JavaScript and CSS from a CDN, which mirrors npm packages; its server
can instead serve them from a local cache (``SOLARA_ASSETS_PROXY_CACHE_DIR``). On a machine
that reaches the npm registry but not the CDN, this module fills that cache with ``npm pack``:

    python -m simulator.dashboard.assets            # fills ~/.cache/ecosim/solara-cdn
    SOLARA_ASSETS_PROXY_CACHE_DIR=~/.cache/ecosim/solara-cdn ecosim-dashboard

Which packages are needed is read from the Solara server's own log ("Could not load URL"), so
the list follows whatever Solara version is installed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CDN_URL = re.compile(r"Could not load URL: 'https://cdn\.jsdelivr\.net/npm/((?:@[^/]+/)?[^/@]+@[^/]+)/")
DEFAULT_CACHE = Path.home() / ".cache" / "ecosim" / "solara-cdn"


def missing_packages(server_log: str) -> set[str]:
    """npm package specs (``name@version``) the Solara server failed to fetch from the CDN."""
    return set(CDN_URL.findall(server_log))


def fetch_packages(packages: set[str], cache_dir: Path) -> list[str]:
    """``npm pack`` each package and unpack it into ``cache_dir/<name>@<version>/``.

    Returns the packages fetched (those already in the cache are skipped).
    """
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed; it is needed to fetch the dashboard's browser assets offline")
    fetched = []
    for spec in sorted(packages):
        target = cache_dir / spec
        if target.is_dir() and any(target.iterdir()):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([npm, "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True, timeout=300)
            tarball = next(Path(tmp).glob("*.tgz"))
            with tarfile.open(tarball) as archive:
                archive.extractall(tmp, filter="data")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(Path(tmp) / "package", target, dirs_exist_ok=True)
        fetched.append(spec)
    return fetched


def complete_marker(cache_dir: Path) -> Path:
    """File recording that the cache holds every asset this Solara version's dashboard asks for."""
    from solara import __version__

    return cache_dir / f".complete-solara-{__version__}"


def prefetch(cache_dir: Path = DEFAULT_CACHE, port: int = 8799, rounds: int = 3) -> list[str]:
    """Start the dashboard once, load it in headless Chromium, and fetch what it missed.

    Once a load finds nothing missing, a marker file for the installed Solara version skips
    later prefetches (delete it, or the cache, to check again).
    """
    from simulator.dashboard.server import DashboardServer, open_page

    marker = complete_marker(cache_dir)
    if marker.exists():
        return []
    fetched: list[str] = []
    for _ in range(rounds):
        with DashboardServer(port=port, cache_dir=cache_dir) as server:
            open_page(server.url, wait_ms=8000)
            missing = missing_packages(server.log())
        new = fetch_packages(missing, cache_dir)
        fetched += new
        if not missing:
            marker.write_text("every asset the dashboard loaded was found in this cache\n")
            break
    return fetched


def main(argv: list[str] | None = None) -> int:
    """``python -m simulator.dashboard.assets [--cache DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    fetched = prefetch(args.cache)
    print(f"fetched {len(fetched)} packages into {args.cache}: {', '.join(fetched) or 'none missing'}")
    print(f"serve with: SOLARA_ASSETS_PROXY_CACHE_DIR={args.cache} ecosim-dashboard")
    return 0


if __name__ == "__main__":
    sys.exit(main())
