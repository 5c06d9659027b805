"""``events.parquet`` written from the event log's codes, one row group at a time.

A run's event log holds compact codes (:data:`simulator.core.events.ROW_DTYPES`), on disk for a
large run. Turning it into a pandas frame costs several hundred bytes a row (a Python string
per row and text column); at 1,000,000 SMBs and 120 steps the log has about 30 million rows.
:func:`write_event_file` builds each row group's Arrow table straight from the codes (the text
columns as dictionaries of their categories, cast to strings) under the schema that
``tidy(log.to_frame()).to_parquet(path, index=False)`` would give, pandas metadata included,
and writes the row groups that call would write: the same bytes (``tests/test_spill.py``,
``benchmarks/fingerprint.py``), about 150 bytes a row of one row group in memory at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator.core.events import CODED_COLUMNS, INTEGER_COLUMNS
from simulator.run.tables import tidy

if TYPE_CHECKING:
    from simulator.core.events import EventLog

ROW_GROUP_ROWS = 1024 * 1024
"""Rows per row group: pyarrow's default (``write_table`` with ``row_group_size=None``), which
``DataFrame.to_parquet`` uses."""


def write_event_file(log: EventLog, path: str | Path) -> pd.DataFrame:
    """Write ``log`` to ``path`` as ``tidy(log.to_frame()).to_parquet(path, index=False)`` does.

    Returns
    -------
    pandas.DataFrame
        The written columns and types (a frame without rows), for the data dictionary.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    head = tidy(log.to_frame() if log.rows == 0 else next(iter(log.frames(1))))
    if log.rows == 0:
        head.to_parquet(path, index=False)
        return head.iloc[:0]
    schema = pa.Schema.from_pandas(head, preserve_index=False)
    categories = {name: pa.array(list(log.texts(name)), type=pa.string()) for name in CODED_COLUMNS}
    # the options of pyarrow.parquet.write_table, which DataFrame.to_parquet calls
    with pq.ParquetWriter(path, schema, compression="snappy") as writer:
        for start in range(0, log.rows, ROW_GROUP_ROWS):
            stop = min(start + ROW_GROUP_ROWS, log.rows)
            arrays = []
            for field in schema:
                arrays.append(_column(log, field.name, start, stop, categories).cast(field.type))
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema), row_group_size=ROW_GROUP_ROWS)
    return head.iloc[:0]


def _column(log: EventLog, name: str, start: int, stop: int, categories: dict):
    """One column of rows ``start`` to ``stop`` as an Arrow array."""
    import pyarrow as pa

    if name in INTEGER_COLUMNS:
        return pa.array(log.column(name, start, stop).astype(np.int64))
    if name == "share":
        return pa.array(log.column("share", start, stop), from_pandas=True)  # NaN is null, as pandas writes it
    if name == "smb_kind":
        missing = log.column("smb_id", start, stop) < 0
        return pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(stop - start, dtype=np.int32), mask=missing), pa.array(["smb"])
        ).cast(pa.string())
    codes = log.column(CODED_COLUMNS[name][0], start, stop).astype(np.int32)
    indices = pa.array(codes, mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, categories[name]).cast(pa.string())
