"""The cleaning work of floe-clean done by a peer, for the ingest+clean benchmark: read the
generic CSV (gzip), drop rows that break the same rules (a subset of floe's: end before
start, packets/bytes that cannot be, bytes per packet outside 20–65535, ports or TCP flags
on protocols without them, unspecified addresses, duration over 30 min), drop duplicates
on the 5-tuple + packets + bytes + start second, and write day-partitioned Parquet.

usage: clean_peers.py duckdb|polars|pandas INPUT.csv.gz OUT_DIR
"""
import sys

tool, src, out = sys.argv[1], sys.argv[2], sys.argv[3]

if tool == "duckdb":
    import duckdb
    duckdb.sql(f"""
    COPY (
      SELECT *, CAST("start" AS DATE) AS date FROM (
        SELECT DISTINCT ON (src_addr, dst_addr, src_port, dst_port, protocol, packets, bytes,
                            epoch_ms("start") // 1000) *
        FROM read_csv('{src}')
        WHERE "end" >= "start" AND "end" - "start" <= INTERVAL 30 MINUTE
          AND NOT (packets = 0 AND bytes > 0) AND NOT (packets > 0 AND bytes = 0)
          AND (packets = 0 OR bytes / packets BETWEEN 20 AND 65535)
          AND NOT (protocol NOT IN (6, 17, 132, 1, 58) AND (src_port > 0 OR dst_port > 0))
          AND NOT (protocol <> 6 AND tcp_flags > 0)
          AND src_addr NOT IN ('0.0.0.0', '::') AND dst_addr NOT IN ('0.0.0.0', '::')
      ) ORDER BY "start", src_addr
    ) TO '{out}' (FORMAT parquet, PARTITION_BY (date), OVERWRITE_OR_IGNORE)
    """)
elif tool == "polars":
    import polars as pl
    df = pl.read_csv(src, try_parse_dates=True)
    bpp = pl.col("bytes") / pl.col("packets")
    df = df.filter(
        (pl.col("end") >= pl.col("start")) & ((pl.col("end") - pl.col("start")).dt.total_seconds() <= 1800)
        & ~((pl.col("packets") == 0) & (pl.col("bytes") > 0)) & ~((pl.col("packets") > 0) & (pl.col("bytes") == 0))
        & ((pl.col("packets") == 0) | ((bpp >= 20) & (bpp <= 65535)))
        & ~(~pl.col("protocol").is_in([6, 17, 132, 1, 58]) & ((pl.col("src_port") > 0) | (pl.col("dst_port") > 0)))
        & ~((pl.col("protocol") != 6) & (pl.col("tcp_flags") > 0))
        & ~pl.col("src_addr").is_in(["0.0.0.0", "::"]) & ~pl.col("dst_addr").is_in(["0.0.0.0", "::"]))
    df = df.with_columns(pl.col("start").dt.truncate("1s").alias("_sec"), pl.col("start").dt.date().alias("date"))
    df = df.unique(subset=["src_addr", "dst_addr", "src_port", "dst_port", "protocol", "packets", "bytes", "_sec"],
                   keep="first", maintain_order=True).drop("_sec").sort(["start", "src_addr"])
    df.write_parquet(out, partition_by=["date"])
elif tool == "pandas":
    import pandas as pd
    df = pd.read_csv(src, parse_dates=["start", "end"])
    bpp = df["bytes"] / df["packets"].where(df["packets"] > 0)
    keep = ((df["end"] >= df["start"]) & ((df["end"] - df["start"]).dt.total_seconds() <= 1800)
            & ~((df["packets"] == 0) & (df["bytes"] > 0)) & ~((df["packets"] > 0) & (df["bytes"] == 0))
            & ((df["packets"] == 0) | bpp.between(20, 65535))
            & ~(~df["protocol"].isin([6, 17, 132, 1, 58]) & ((df["src_port"] > 0) | (df["dst_port"] > 0)))
            & ~((df["protocol"] != 6) & (df["tcp_flags"] > 0))
            & ~df["src_addr"].isin(["0.0.0.0", "::"]) & ~df["dst_addr"].isin(["0.0.0.0", "::"]))
    df = df[keep].copy()
    df["_sec"] = df["start"].dt.floor("s")
    df = df.drop_duplicates(subset=["src_addr", "dst_addr", "src_port", "dst_port", "protocol", "packets", "bytes", "_sec"])
    df = df.drop(columns="_sec").sort_values(["start", "src_addr"])
    df["date"] = df["start"].dt.date.astype(str)
    df.to_parquet(out, partition_cols=["date"])
else:
    sys.exit(f"unknown tool {tool}")
