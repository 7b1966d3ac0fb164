"""Checks floe's Parquet lake against floe's Arrow dataset with three independent readers.

usage: check_parquet.py DATASET LAKE

- pyarrow: every value of every column of every day equals the Arrow dataset's (after the
  documented type mapping: uint8/uint16 -> int32, uint32/uint64 -> int64), and each column
  chunk's min/max/null-count statistics equal what pyarrow computes from the values;
- DuckDB (read_parquet(..., hive_partitioning=true)) and polars (scan_parquet with hive
  partitioning) read the lake as one table: rows, sum(bytes), sum(packets), min(start),
  max("end") and distinct src_addr per day equal those of the Arrow dataset.
Exits 1 on the first difference, naming it.
"""
import glob
import os
import sys

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

dataset, lake = sys.argv[1], sys.argv[2]


def fail(message):
    print(f"check_parquet: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def arrow_day(day):
    parts = sorted(glob.glob(os.path.join(dataset, f"date={day}", "part-*.arrow")))
    return pa.concat_tables([ipc.open_file(p).read_all() for p in parts])


def expected_type(t):
    if pa.types.is_uint8(t) or pa.types.is_uint16(t) or pa.types.is_int8(t) or pa.types.is_int16(t):
        return pa.int32()
    if pa.types.is_uint32(t) or pa.types.is_uint64(t):
        return pa.int64()
    return t


days = sorted(d.split("=", 1)[1] for d in os.listdir(lake) if d.startswith("date="))
if not days:
    fail(f"no date= folders in {lake}")
per_day = {}
for day in days:
    src = arrow_day(day)
    path = os.path.join(lake, f"date={day}", "part-00000.parquet")
    got = pq.read_table(path)
    if got.num_rows != src.num_rows:
        fail(f"{day}: {got.num_rows} rows in Parquet, {src.num_rows} in Arrow")
    if got.column_names != src.column_names:
        fail(f"{day}: columns {got.column_names} != {src.column_names}")
    meta = pq.ParquetFile(path).metadata
    for i, name in enumerate(src.column_names):
        want = src.column(name).cast(expected_type(src.schema.field(name).type))
        have = got.column(name)
        if have.type != want.type:
            fail(f"{day}: column {name} is {have.type} in Parquet, expected {want.type}")
        if not have.equals(want):
            fail(f"{day}: column {name} differs (first values {have.slice(0, 3)} vs {want.slice(0, 3)})")
        if src.schema.field(name).nullable != got.schema.field(name).nullable:
            fail(f"{day}: column {name} nullability differs")
        # Statistics of every row group against the values themselves.
        start = 0
        for g in range(meta.num_row_groups):
            rg = meta.row_group(g)
            chunk = want.slice(start, rg.num_rows)
            start += rg.num_rows
            stats = rg.column(i).statistics
            if stats is None or not stats.has_null_count or stats.null_count != chunk.null_count:
                fail(f"{day}: column {name} row group {g}: null count {stats and stats.null_count} != {chunk.null_count}")
            if chunk.null_count < len(chunk) and not pa.types.is_floating(chunk.type):
                mm = pc.min_max(chunk)
                if not stats.has_min_max or stats.min != mm["min"].as_py() or stats.max != mm["max"].as_py():
                    fail(f"{day}: column {name} row group {g}: stats {stats.min}..{stats.max} != {mm['min']}..{mm['max']}")
    per_day[day] = (
        src.num_rows,
        pc.sum(src.column("bytes")).as_py(),
        pc.sum(src.column("packets")).as_py(),
        pc.min(src.column("start")).value,
        pc.max(src.column("end")).value,
        len(pc.unique(src.column("src_addr"))),
    )
print(f"check_parquet: pyarrow: {len(days)} days, {sum(v[0] for v in per_day.values())} rows, every value and every statistic equal", file=sys.stderr)

# The lake as one Hive-partitioned table.
con = duckdb.connect()
rows = con.execute(
    f"""SELECT CAST(date AS VARCHAR), count(*), sum(bytes), sum(packets), epoch_ms(min(start)), epoch_ms(max("end")),
               count(DISTINCT src_addr)
        FROM read_parquet('{lake}/*/*.parquet', hive_partitioning = true) GROUP BY 1 ORDER BY 1"""
).fetchall()
duck = {r[0]: tuple(int(x) for x in r[1:]) for r in rows}
if duck != per_day:
    fail(f"DuckDB per-day figures differ: {duck} vs {per_day}")
print(f"check_parquet: DuckDB: per-day rows, sums, time range and distinct sources equal", file=sys.stderr)

polars = (
    pl.scan_parquet(f"{lake}/**/*.parquet", hive_partitioning=True)
    .group_by("date")
    .agg(
        pl.len().alias("rows"),
        pl.col("bytes").sum(),
        pl.col("packets").sum(),
        pl.col("start").min().dt.epoch("ms"),
        pl.col("end").max().dt.epoch("ms"),
        pl.col("src_addr").n_unique(),
    )
    .collect()
)
pol = {str(r[0]): tuple(int(x) for x in r[1:]) for r in polars.iter_rows()}
if pol != per_day:
    fail(f"polars per-day figures differ: {pol} vs {per_day}")
print(f"check_parquet: polars: per-day rows, sums, time range and distinct sources equal", file=sys.stderr)
print("check_parquet: OK", file=sys.stderr)
