"""Freed heap memory goes back to the operating system when the run asks (simulator.run.heap)."""

from __future__ import annotations

import ctypes.util
import os
import sys

import numpy as np
import pytest

from simulator.run import heap


def _resident_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux") or heap._malloc_trim() is None, reason="glibc only")
def test_freed_heap_pages_are_returned() -> None:
    # 64 kB arrays sit in the heap (below glibc's mmap threshold); one kept past them pins the
    # heap's top, so glibc's own trimming of the top cannot return the freed ones
    blocks = [np.ones(8 * 1024) for _ in range(1600)]  # 100 MB
    pin = np.ones(8 * 1024)
    del blocks
    before = _resident_bytes()
    assert heap.release_free_memory()
    assert before - _resident_bytes() > 50 * 2**20
    assert pin.sum() == 8 * 1024


def test_no_trim_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    heap._malloc_trim.cache_clear()
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    try:
        assert heap.release_free_memory() is False
    finally:
        heap._malloc_trim.cache_clear()
