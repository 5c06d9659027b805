"""A table written to parquet chunk by chunk, with the bytes of a whole-frame write.

``DataFrame.to_parquet(path, index=False)`` converts the whole frame to Arrow and lets pyarrow
cut it into row groups of :data:`ROW_GROUP_ROWS` rows. :func:`write_chunks` takes the frame as
consecutive chunks of exactly that many rows (the last shorter) and writes each as its own row
group through one ``pyarrow.parquet.ParquetWriter`` with the same schema (pandas metadata
included) and the same options, so the file is byte for byte the one the whole frame gives
(``tests/test_spill.py``) while only one chunk is in memory at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

ROW_GROUP_ROWS = 1024 * 1024
"""Rows per row group: pyarrow's default ``row_group_size`` (``write_table`` with ``None``)."""


def write_chunks(
    chunks: Iterable[pd.DataFrame], path: str | Path, prepare: Callable[[pd.DataFrame], pd.DataFrame]
) -> pd.DataFrame | None:
    """Write ``prepare(chunk)`` of each chunk (all but the last of :data:`ROW_GROUP_ROWS` rows)
    to ``path`` as ``prepare(whole frame).to_parquet(path, index=False)`` would.

    Returns
    -------
    pandas.DataFrame or None
        The first prepared chunk without rows (its columns and types), or None when there were
        no chunks (nothing written).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    head = None
    last_rows = ROW_GROUP_ROWS
    try:
        for chunk in chunks:
            if writer is not None and last_rows != ROW_GROUP_ROWS:
                raise ValueError(f"only the last chunk may have fewer than {ROW_GROUP_ROWS} rows")
            frame = prepare(chunk)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                head = frame.iloc[:0]
                # the options of pyarrow.parquet.write_table, which DataFrame.to_parquet calls
                writer = pq.ParquetWriter(path, table.schema, compression="snappy")
            elif not table.schema.equals(writer.schema, check_metadata=True):
                raise ValueError(f"a chunk of {path} has another schema than the first:\n{table.schema}")
            writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
            last_rows = len(frame)
    finally:
        if writer is not None:
            writer.close()
    return head
