#!/usr/bin/env bash
# Regenerates the checked-in seed corpus tests/fuzz/corpus/<target>/ (deterministic output):
# real frames from the Binance recordings in /work/shared/data/real (format `<recv_ns> <json>`)
# plus hand-made edge cases (truncated frames, invalid UTF-8, huge numbers, deep nesting, ...).
#   tests/fuzz/make_corpus.sh [REAL_DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")"
REAL=${1:-/work/shared/data/real}
USDM=$REAL/usdm_btcusdt_20240718.gz
SPOT=$REAL/spot_btcusdt_20240808.gz
for f in "$USDM" "$SPOT"; do
  [ -r "$f" ] || { echo "make_corpus: cannot read $f" >&2; exit 1; }
done

OUT=corpus
rm -rf "$OUT"
mkdir -p "$OUT"/{frame_parser,snapshot_parser,book_sync,replay_reader,cli_options,decimal,metrics_check,exchange_info,subscription_plan}

# $1 file, $2 grep pattern, $3 which matches (sed line list, e.g. "1p;5p"): raw capture lines.
raw_lines() { zcat "$1" | grep -F -- "$2" | sed -n "$3"; }
json_of() { cut -d' ' -f2- | tr -d '\n'; }  # the JSON alone: no receive time, no newline
put() { cat >"$OUT/$1/$2"; }                    # put <target> <name>: stdin into the corpus

# ---- frame_parser: real frames of every kind, then edge cases ----
F=frame_parser
for market in usdm spot; do
  src=$USDM; [ $market = spot ] && src=$SPOT
  i=0
  while IFS= read -r line; do
    i=$((i + 1)); printf '%s' "$line" | json_of | put $F "real_${market}_depth_$i"
  done < <(raw_lines "$src" '"e":"depthUpdate"' '1p;2p;3p;100p;1000p;2000p')
  raw_lines "$src" '@bookTicker' '1p' | json_of | put $F "real_${market}_book_ticker"
  raw_lines "$src" '"e":"trade"' '1p' | json_of | put $F "real_${market}_trade"
  raw_lines "$src" '"lastUpdateId"' '1p' | json_of | put $F "real_${market}_snapshot"
done
DEPTH=$(raw_lines "$USDM" '"e":"depthUpdate"' '2p' | json_of)
printf '%s' "${DEPTH:0:120}" | put $F edge_truncated_depth
printf '%s' "${DEPTH:0:${#DEPTH}-1}" | put $F edge_truncated_last_brace
printf '%s' "$DEPTH" | sed 's/"s":"BTCUSDT"/"s":"BTC\xff\xfeUSDT"/' | put $F edge_invalid_utf8_symbol
printf '%s' "$DEPTH" | sed 's/"u":[0-9]*/"u":184467440737095516160/' | put $F edge_id_over_64_bits
printf '%s' "$DEPTH" | sed 's/"E":[0-9]*/"E":-1/' | put $F edge_negative_time
printf '%s' "$DEPTH" | sed 's/"U":[0-9]*/"U":1.5e3/' | put $F edge_fractional_id
printf '%s' "$DEPTH" | sed 's/\["1000.00"/["92233720368.54775808"/' | put $F edge_decimal_overflow
printf '%s' "$DEPTH" | sed 's/"b":\[\[/"b":[["1.000000001","1"],[/' | put $F edge_nine_decimals
printf '%s' "$DEPTH" | sed 's/"s":"BTCUSDT"/"s":"\\u0042TC\\"USDT"/' | put $F edge_escaped_symbol
printf '%s' "$DEPTH" | sed 's/"b":/"b":[["1","1"]],"b":/' | put $F edge_duplicate_key
printf '%s' "$DEPTH" | sed 's/"pu":[0-9]*,//' | put $F edge_no_pu
printf '%s\0trailing' "$DEPTH" | put $F edge_nul_then_garbage
printf '\xef\xbb\xbf%s' "$DEPTH" | put $F edge_utf8_bom
printf '%s' "$(printf '[%.0s' {1..40})" | put $F edge_deep_arrays
printf '{"a":%s1%s}' "$(printf '{"a":%.0s' {1..40})" "$(printf '}%.0s' {1..40})" | put $F edge_deep_objects
echo -n '{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["1","2","3"]],"a":[]}' | put $F edge_level_triple
echo -n '{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[[1,2]],"a":[{}]}' | put $F edge_level_numbers
echo -n '{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[],"a":[]}' | put $F edge_empty_levels
echo -n '{"stream":"btcusdt@depth5@100ms","data":{"lastUpdateId":160,"bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}}' | put $F spot_partial_wrapped
echo -n '{"stream":"btcusdt@depth5","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":5,"u":9,"pu":4,"b":[["1.5","2"]],"a":[["2.5","0"]]}}' | put $F usdm_partial_wrapped
echo -n '{"data":{"e":"bookTicker"},"stream":5}' | put $F edge_stream_not_string
echo -n '{"result":null,"id":1}' | put $F reply_ok
echo -n '{"code":2,"msg":"Invalid request","id":"x"}' | put $F reply_error
echo -n '{"e":"serverShutdown","E":1}' | put $F server_shutdown
echo -n '[1,2,3]' | put $F edge_not_object
echo -n '' | put $F edge_empty

# ---- snapshot_parser: the real REST bodies and variants ----
S=snapshot_parser
cp "$OUT/$F/real_usdm_snapshot" "$OUT/$S/real_usdm"
cp "$OUT/$F/real_spot_snapshot" "$OUT/$S/real_spot"
head -c 3000 "$OUT/$S/real_usdm" | put $S truncated
echo -n '{"lastUpdateId":1,"bids":[],"asks":[]}' | put $S minimal
echo -n '{"lastUpdateId":7,"E":1,"T":2,"bids":[["1","1"],["3","2"],["2","0"],["3","5"]],"asks":[["9","1"],["4","2"],["4","0"]]}' | put $S unsorted_duplicates_zeros
echo -n '{"lastUpdateId":7,"bids":[["5","1"]],"asks":[["4","1"]]}' | put $S crossed
echo -n '{"lastUpdateId":-7,"bids":[],"asks":[]}' | put $S negative_id
echo -n '{"lastUpdateId":18446744073709551615,"bids":[["0.00000001","92233720368.54775807"]],"asks":[]}' | put $S extremes
echo -n '{"lastUpdateId":1,"bids":[]}' | put $S missing_asks
echo -n '{"stream":"x","data":{"lastUpdateId":1,"bids":[],"asks":[]}}' | put $S wrapped_refused

# ---- replay_reader: raw captures, depthrec NDJSON, gzip (whole, truncated, concatenated) ----
R=replay_reader
zcat "$USDM" | sed -n '1,12p' | put $R raw_usdm_first_lines
raw_lines "$USDM" '"lastUpdateId"' '1p' | put $R raw_usdm_snapshot_line
zcat "$SPOT" | sed -n '1,6p' | put $R raw_spot_first_lines
cat >"$OUT/$R/ndjson_every_record" <<'EOF'
{"type":"connect","recv_ns":1721347020000000000,"market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@0ms","url":"wss://127.0.0.1:9443/stream?streams=btcusdt@depth@0ms"}
{"type":"snapshot","recv_ns":1721347021281597601,"market":"usdm","symbol":"BTCUSDT","lastUpdateId":4984028384061,"E":1721347022759,"T":1721347022750,"bids":[["63943.90","46.372"]],"asks":[["63944.00","2.1"]]}
{"type":"depth","timestamp":"2024-07-18T23:57:02.504Z","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@0ms","conn_id":1,"ts_recv":1721347020984.481,"recv_ns":1721347020984480942,"E":1721347022504,"T":1721347022504,"U":4984028367545,"u":4984028370730,"pu":4984028367494,"latency_event_ms":-1519.519,"latency_pipeline_ms":0.004,"kind":"diff","b":[["1000.00","569.567"]],"a":[["63947.40","0.109"]]}
{"type":"ticker","recv_ns":1721347021000000000,"market":"usdm","symbol":"BTCUSDT","u":4984028370731,"b":"63943.9","B":"46.372","a":"63944","A":"2.1","E":null,"T":null}
{"type":"resync","recv_ns":1721347021300000000,"reason":"initial","lastUpdateId":4984028384061,"first_U":4984028384000,"first_u":4984028384070,"dropped_stale":12,"duration_ms":310.5}
{"type":"gap","recv_ns":1721347022000000000,"reason":"pu_mismatch","last_u":5,"expected":5,"got_U":9,"got_pu":8,"got_u":10,"dropped":0}
{"type":"disconnect","recv_ns":1721347023000000000,"reason":"stall","code":1006}
{"type":"metrics_note","recv_ns":1}
EOF
printf '%s\r\n\r\n  \n{"type":"depth","recv_ns":-1}\nnot a line\n{"type":"gap","ts_recv":1.5}\n{"recv_ns":1}\n123\n' \
  '{"type":"ticker","recv_ns":1,"u":1,"b":"1","B":"1","a":"2","A":"1"}' | put $R ndjson_crlf_blank_bad
echo -n '{"type":"x","ts_recv":1e30}' | put $R ndjson_ts_recv_overflow  # was UB (float->int)
gzip -9 -n -c "$OUT/$R/ndjson_every_record" >"$OUT/$R/gzip_ndjson"
head -c 200 "$OUT/$R/gzip_ndjson" >"$OUT/$R/gzip_truncated"
{ gzip -1 -n -c "$OUT/$R/raw_spot_first_lines"; gzip -1 -n -c "$OUT/$R/ndjson_every_record"; } \
  >"$OUT/$R/gzip_two_members"

# ---- book_sync: operation streams (the target decodes bytes into events/snapshots/resets) ----
python3 - "$OUT/book_sync" <<'EOF'
import random, sys
for seed in range(24):
    rng = random.Random(seed)
    with open(f"{sys.argv[1]}/ops_{seed:02d}", "wb") as f:
        f.write(bytes(rng.randrange(256) for _ in range(rng.choice([16, 64, 256, 1024]))))
EOF

# ---- cli_options: argv lists, NUL-separated ----
C=cli_options
cli() { local name=$1; shift; printf '%s\0' "$@" | head -c -1 >"$OUT/$C/$name"; }
cli defaults --symbol ETHUSDT
cli full_spot --market spot --symbol btcusdt --depth full --snapshot-limit 5000 --speed 1000ms
cli coinm_size --market coinm --symbol BTCUSD_PERP --rotate size --max-bytes 1000 --gzip-level 9
cli parquet_rotate --symbol BTCUSDT --parquet /tmp/pq --parquet-rotate 15m --parquet-row-group-mb 1
cli parquet_rotate_bad --symbol BTCUSDT --parquet /tmp/pq --parquet-rotate 25h
cli everything --symbol BTCUSDT --depth 20 --rotate interval --rotate-sec 1 --backups 0 \
  --print-interval 1 --run-minutes 0.5 --market usdm --speed 0ms --book-ticker \
  --endpoint wss://127.0.0.1:9443 --rest-endpoint https://127.0.0.1:9443 --snapshot-limit 1000 \
  --data-dir /tmp/d --log-dir /tmp/l --no-summary --queue-capacity 10 --max-frame-bytes 100 \
  --max-buffered-events 1 --stall-timeout-ms 10 --backoff-max-ms 10 --rest-timeout-ms 10 \
  --rest-weight-per-minute 100
cli help --help
cli version --version
cli bad_symbol --symbol ../etc
cli bad_depth --depth 7
cli bad_number --rotate-sec 1e99
cli negative --backups -1
cli equals_form --symbol=BTCUSDT --depth=full
cli unknown_flag --frobnicate
cli run_minutes_nan --run-minutes nan      # were accepted by validate() (fixed)
cli run_minutes_inf --run-minutes inf
cli backoff_negative --backoff-max-ms -5
cli rest_timeout_zero --rest-timeout-ms 0
cli rest_scheduler --rest-weight-per-minute 100 --rest-weight-window-ms 1000 \
  --rest-safety-share 0.9 --rest-initial-share 0.5
cli rest_share_nan --rest-safety-share nan --rest-initial-share inf
cli rest_share_zero --rest-initial-share 0
cli rest_window_negative --rest-weight-window-ms -1
cli rest_weight_negative --rest-weight-per-minute -5

# ---- decimal ----
D=decimal
for text in 63943.90 0.000 1000 5. 0 0.00000001 92233720368.54775807 92233720368.54775808 \
  .5 1e5 -1 +1 0.123456789 0.123456780 00001.10 1..2 ' 1' 99999999999999999999999; do
  printf '%s' "$text" >"$OUT/$D/d_$(printf '%s' "$text" | tr -c 'A-Za-z0-9.' '_')"
done

# ---- metrics_check: the depthrec-check fixtures (seed, ours, unsynced, broken) ----
for name in seed ok warning critical unsynced invalid missing_keys streams_ok streams_one_bad; do
  cp ../unit/data/metrics_$name.json "$OUT/metrics_check/$name"
done
# found by the fuzzer: years whose nanoseconds overflow int64, a timestamp_ns far before the epoch
sed 's/"2025-10-17T/"4050-10-17T/' ../unit/data/metrics_seed.json >"$OUT/metrics_check/year_4050"
sed 's/"timestamp_ns": [0-9]*/"timestamp_ns": -9223372036854775807/' ../unit/data/metrics_ok.json \
  >"$OUT/metrics_check/timestamp_ns_min"

# ---- exchange_info: depthsim's answers for the three markets, then hand-made edge cases ----
X=exchange_info
DEPTHSIM=${DEPTHSIM:-../../build/depthsim}
if [ -x "$DEPTHSIM" ] && command -v curl >/dev/null; then
  sim_dir=$(mktemp -d)
  for spec in usdm:/fapi/v1:BTCUSDT,ETHUSDT,1000PEPEUSDT,BTCUSDC coinm:/dapi/v1:BTCUSD_PERP,ETHUSD_PERP \
    spot:/api/v3:BTCUSDT,ETHBTC,PEPEUSDT,BTCFDUSD; do
    IFS=: read -r market prefix symbols <<<"$spec"
    "$DEPTHSIM" --no-tls --port 0 --port-file "$sim_dir/port" --market "$market" --symbols "$symbols" \
      >/dev/null 2>&1 &
    sim_pid=$!
    for _ in $(seq 200); do [ -s "$sim_dir/port" ] && break; sleep 0.05; done
    curl -s "http://127.0.0.1:$(cat "$sim_dir/port")$prefix/exchangeInfo" |
      sed 's/"serverTime":[0-9]*/"serverTime":1765000000000/' | put $X "depthsim_$market"
    kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true
    rm -f "$sim_dir/port"
  done
  rm -rf "$sim_dir"
else
  echo "make_corpus: $DEPTHSIM not built (or no curl): exchange_info has no depthsim answers" >&2
fi
# Binance's documented shapes: the unit tests' fixtures (tests/unit/venues/exchange_info_fixtures.hpp).
for name in Spot Usdm Coinm; do
  awk -v name="k${name}Answer" '$0 ~ name" = R\"\(" { on = 1; sub(/.*R"\(/, "") }
    on { if (sub(/\)";$/, "")) { printf "%s", $0; on = 0 } else print }' \
    ../unit/venues/exchange_info_fixtures.hpp | put $X "binance_$(echo "$name" | tr 'A-Z' 'a-z')"
done
SYM='{"symbol":"AUSDT","status":"TRADING","baseAsset":"A","quoteAsset":"USDT","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.01"},{"filterType":"LOT_SIZE","stepSize":"0.1"}]}'
echo -n "{\"symbols\":[$SYM]}" | put $X minimal
echo -n "{\"symbols\":[$SYM,$SYM]}" | put $X duplicate_symbol
echo -n "{\"symbols\":[$SYM]" | put $X truncated
echo -n '{"symbols":[{"symbol":"X","contractStatus":"PENDING_TRADING","baseAsset":"X","quoteAsset":"USD","filters":[]}]}' | put $X coinm_pending
echo -n '{"symbols":[{"symbol":"X","status":"TRADING","baseAsset":"X","quoteAsset":"USDT","filters":[]}]}' | put $X trading_without_filters
echo -n '{"symbols":[{"symbol":"X","status":"TRADING","baseAsset":"X","quoteAsset":"USDT","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.000000001"},{"filterType":"LOT_SIZE","stepSize":"1"}]}]}' | put $X nine_decimal_tick
echo -n '{"symbols":[{"symbol":"X","status":"TRADING","status":"BREAK"}]}' | put $X duplicate_key
echo -n '{"symbols":{"symbol":"X"}}' | put $X symbols_object
echo -n '{"symbols":[{"symbol":5,"filters":"x"}]}' | put $X wrong_types
echo -n '{"code":-1003,"msg":"Way too much request weight used; IP banned until 1765000000000."}' | put $X error_answer
echo -n '{"symbols":[]}' | put $X empty_symbols
printf '{"symbols":[{"x":%s}]}' "$(printf '[%.0s' {1..40})" | put $X deep_nesting
printf '{"symbols":[{"symbol":"\xe5\xb8\x81\xe5\xae\x89USDT","status":"TRADING","baseAsset":"\xe5\xb8\x81","quoteAsset":"USDT","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.0001"},{"filterType":"LOT_SIZE","stepSize":"1"}]}]}' | put $X non_ascii_symbol
# ---- subscription_plan: byte-coded operations (fuzz_subscription_plan.cpp's header) ----
# key: market (0 spot, 1 usdm, 2 coinm), kind (0 diff, 1 partial, 2 bookTicker), speed (0 default,
# 1 0ms, 2 100ms, 3 250ms, 4 500ms, 5 1000ms), levels, symbol length, symbol
S="$OUT/subscription_plan"
# futures 3 a connection; add 4 keys; route 2 names; remove 1 key
printf '\x02\x00\x04\x01\x00\x02\x00\x07BTCUSDT\x01\x02\x00\x00\x07BTCUSDT\x00\x00\x02\x00\x07ETHUSDT\x02\x01\x04\x05\x0bBTCUSD_PERP\x02\x02\x01\x13btcusdt@depth@100ms\x00\x07nothere\x01\x01\x01\x00\x02\x00\x07BTCUSDT' >"$S/listing_and_delisting"
# bad keys: a speed spot lacks, a symbol format Binance refuses, a key listed twice, levels 7
printf '\x07\x00\x04\x00\x00\x01\x00\x07ETHUSDT\x00\x00\x02\x00\x08btc/usdt\x00\x02\x00\x00\x03ABC\x00\x02\x00\x00\x03ABC\x00\x01\x02\x07\x03XYZ' >"$S/bad_keys"
# four listings of 5 futures symbols at one a connection, then all removed (connections emptied)
for i in 1 2 3 4; do printf '\x00\x05\x01\x00\x02\x00\x04A%03d\x01\x00\x02\x00\x04B%03d\x01\x00\x02\x00\x04C%03d\x01\x00\x02\x00\x04D%03d\x01\x00\x02\x00\x04E%03d' $i $i $i $i $i; done >"$S/churn_body"
{ printf '\x00'; cat "$S/churn_body"; printf '\x01\x02\x01\x00\x02\x00\x04A001\x01\x00\x02\x00\x04B001'; } >"$S/churn"
rm "$S/churn_body"

echo "make_corpus: $(find "$OUT" -type f | wc -l) files, $(du -sk "$OUT" | cut -f1) KB in tests/fuzz/$OUT"
