"""Columns kept on disk: rows appended in chunks, read back column by column and by row range.

A large run's event log outgrows memory (at 1,000,000 SMBs and 120 steps, tens of millions of
rows). :class:`ColumnSpill` holds such rows in one raw binary file per column in a private
temporary directory (under ``TMPDIR``; removed when the spill is closed or garbage collected,
and at interpreter exit). The bytes are the arrays' own (``ndarray.tofile``), so reading a
range back (``numpy.fromfile`` at an offset) returns exactly what was written.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path

import numpy as np


class ColumnSpill:
    """Append-only column store on disk.

    Parameters
    ----------
    dtypes
        Name and dtype of each column (fixed-width dtypes only).
    prefix
        Name prefix of the temporary directory.
    """

    def __init__(self, dtypes: dict[str, np.dtype], prefix: str = "ecosim-spill-") -> None:
        self.dtypes = {name: np.dtype(dtype) for name, dtype in dtypes.items()}
        if any(dtype.hasobject for dtype in self.dtypes.values()):
            raise TypeError("ColumnSpill holds fixed-width columns only")
        self.directory = Path(tempfile.mkdtemp(prefix=prefix))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.directory, ignore_errors=True)
        self.rows = 0

    def append(self, columns: dict[str, np.ndarray]) -> None:
        """Append one chunk: an array of the same length for every column."""
        lengths = {len(columns[name]) for name in self.dtypes}
        if len(lengths) != 1:
            raise ValueError(f"columns of one chunk differ in length: {sorted(lengths)}")
        for name, dtype in self.dtypes.items():
            with open(self.directory / name, "ab") as fh:
                np.ascontiguousarray(columns[name], dtype=dtype).tofile(fh)
        self.rows += lengths.pop()

    def read(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows ``start`` to ``stop`` (exclusive; default: the last) of column ``name``."""
        stop = self.rows if stop is None else min(stop, self.rows)
        dtype = self.dtypes[name]
        if stop <= start:
            return np.empty(0, dtype=dtype)
        return np.fromfile(self.directory / name, dtype=dtype, count=stop - start, offset=start * dtype.itemsize)

    def close(self) -> None:
        """Remove the files now."""
        self._cleanup()
