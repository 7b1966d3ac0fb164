"""The peers' side of the ingest benchmark: read a CSV (plain or gzip) and write it as a
columnar file, as each tool does it by default.

usage: ingest_peers.py polars|pyarrow|duckdb INPUT OUTPUT
"""
import sys

tool, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
if tool == "polars":
    import polars as pl
    pl.read_csv(src).write_ipc(out)
elif tool == "pyarrow":
    import pyarrow.csv as csv
    import pyarrow.feather as feather
    feather.write_feather(csv.read_csv(src), out)
elif tool == "duckdb":
    import duckdb
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{src}')) TO '{out}' (FORMAT parquet)")
else:
    sys.exit(f"unknown tool {tool}")
