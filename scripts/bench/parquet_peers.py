"""The peers of `floe export parquet`: the same day partitions of a floe dataset
(DATASET/date=D/*.arrow, Arrow IPC files written by floe-clean) written as a Hive lake
LAKE/date=D/part-00000.parquet with gzip pages, one file per day, by pyarrow
(pyarrow.parquet.write_table) or polars (DataFrame.write_parquet). Reads each day's IPC
files, concatenates them and writes one Parquet file, as floe does.

Usage: python parquet_peers.py pyarrow|polars DATASET LAKE [ROW_GROUP_ROWS]
"""
import os
import sys


def days(dataset):
    for name in sorted(os.listdir(dataset)):
        if name.startswith("date="):
            folder = os.path.join(dataset, name)
            parts = sorted(p for p in os.listdir(folder) if p.endswith(".arrow") and not p.startswith("."))
            if parts:
                yield name, [os.path.join(folder, p) for p in parts]


def main():
    tool, dataset, lake = sys.argv[1], sys.argv[2], sys.argv[3]
    row_group = int(sys.argv[4]) if len(sys.argv) > 4 else 1 << 20
    rows = 0
    for name, parts in days(dataset):
        out = os.path.join(lake, name)
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, "part-00000.parquet")
        if tool == "pyarrow":
            import pyarrow as pa
            import pyarrow.ipc as ipc
            import pyarrow.parquet as pq
            tables = [ipc.open_file(pa.memory_map(p)).read_all() for p in parts]
            table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
            pq.write_table(table, path, compression="gzip", row_group_size=row_group)
            rows += table.num_rows
        elif tool == "polars":
            import polars as pl
            frame = pl.concat([pl.read_ipc(p) for p in parts])
            frame.write_parquet(path, compression="gzip", row_group_size=row_group)
            rows += frame.height
        else:
            sys.exit(f"unknown tool {tool}")
    print(rows)


if __name__ == "__main__":
    main()
