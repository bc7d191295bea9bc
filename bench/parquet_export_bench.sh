#!/usr/bin/env bash
# depthrec-export against DuckDB on the real captures (issue 16 "Done means"): rows/s and MB/s of
# gzipped input, Parquet bytes of the depth long form, bytes per event against the gzipped capture;
# bookTicker bytes per frame; the same export with book states (top 10 every 100 ms) added.
# Best of RUNS (3) runs each; single runs on a shared machine vary by ~20 %.
#   bench/parquet_export_bench.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RUNS=${RUNS:-3}
READERS=$(realpath -m "$BUILD/npm-parquet")
bash tests/integration/parquet_readers/install.sh "$READERS" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for capture in /work/shared/data/real/usdm_btcusdt_20240718.gz /work/shared/data/real/spot_btcusdt_20240808.gz; do
  [ -f "$capture" ] || capture="../shared/data/real/$(basename "$capture")"
  name=$(basename "$capture" .gz)
  best=""
  for ((run = 1; run <= RUNS; run++)); do
    rm -rf "$work/ours"
    line=$("$BUILD/depthrec-export" -o "$work/ours" "$capture" | grep '^export:')
    seconds=$(sed -E 's/.* in ([0-9.]+) s .*/\1/' <<<"$line")
    if [ -z "$best" ] || awk "BEGIN{exit !($seconds < $best)}"; then best=$seconds; best_line=$line; fi
  done
  depth=$(find "$work/ours/channel=depth" -name 'part-0.parquet')
  scales=$(PARQUET_READERS_DIR="$READERS" node -e "
    const {createRequire}=require('node:module');const r=createRequire('$READERS/node_modules/x.js');
    (async()=>{const {DuckDBInstance}=await import(r.resolve('@duckdb/node-api'));
    const c=await (await DuckDBInstance.create(':memory:')).connect();
    const rows=(await c.runAndReadAll(\"SELECT name, scale FROM parquet_schema('$depth') WHERE name IN ('price','quantity') ORDER BY name\")).getRows();
    console.log(rows[0][1]+' '+rows[1][1]);})()")
  read -r price_scale qty_scale <<<"$scales"
  duck_best=""
  for ((run = 1; run <= RUNS; run++)); do
    rm -f "$work/duck.parquet"
    line=$(PARQUET_READERS_DIR="$READERS" node bench/parquet_duckdb_copy.mjs "$capture" "$work/duck.parquet" "$price_scale" "$qty_scale")
    seconds=$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$line")
    if [ -z "$duck_best" ] || awk "BEGIN{exit !($seconds < $duck_best)}"; then duck_best=$seconds; duck_line=$line; fi
  done
  input_bytes=$(stat -c %s "$capture")
  events=$(zcat "$capture" | grep -c -e '"e":"depthUpdate"' -e '"e":"trade"' || true)
  depth_trade_gz=$(zcat "$capture" | grep -e '"e":"depthUpdate"' -e '"e":"trade"' -e '"lastUpdateId"' | gzip -6 | wc -c)
  # depth and trade files only: the events counted are depth and trade events (bookTickers below).
  ours_bytes=$(find "$work/ours/channel=depth" "$work/ours/channel=trade" -name '*.parquet' -printf '%s\n' | awk '{s+=$1} END{print s}')
  tickers=$(zcat "$capture" | grep -c '@bookTicker' || true)
  ticker_bytes=$(find "$work/ours/channel=bookTicker" -name '*.parquet' -printf '%s\n' | awk '{s+=$1} END{print s}')
  # Book states: the same export with the top 10 levels every 100 ms (the replay's sync on top).
  book_best=""
  for ((run = 1; run <= RUNS; run++)); do
    rm -rf "$work/book"
    output=$("$BUILD/depthrec-export" -o "$work/book" --book-levels 10 --book-every 100ms "$capture")
    line=$(grep '^export:' <<<"$output")
    seconds=$(sed -E 's/.* in ([0-9.]+) s .*/\1/' <<<"$line")
    if [ -z "$book_best" ] || awk "BEGIN{exit !($seconds < $book_best)}"; then
      book_best=$seconds; book_line=$line; book_file_line=$(grep '^wrote .*/channel=book/' <<<"$output")
    fi
  done
  echo "$name: depthrec-export $best_line"
  echo "$name:   depth file $(stat -c %s "$depth") bytes; all datasets $ours_bytes bytes = $(awk "BEGIN{printf \"%.1f\", $ours_bytes/$events}") bytes/event ($events depth+trade events)"
  echo "$name:   gzip -6 of the same depth+trade+snapshot lines: $depth_trade_gz bytes = $(awk "BEGIN{printf \"%.1f\", $depth_trade_gz/$events}") bytes/event; whole capture $input_bytes bytes"
  echo "$name:   bookTicker: $tickers frames, $ticker_bytes Parquet bytes = $(awk "BEGIN{printf \"%.1f\", $ticker_bytes/($tickers > 0 ? $tickers : 1)}") bytes/ticker"
  echo "$name: with --book-levels 10 --book-every 100ms: $book_line"
  echo "$name:   ${book_file_line#wrote }"
  echo "$name: DuckDB COPY (depth long form only) $duck_line ($(awk "BEGIN{printf \"%.1f\", $input_bytes/1e6/$duck_best}") MB/s of input)"
done
