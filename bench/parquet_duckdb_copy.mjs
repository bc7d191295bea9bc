// The reference for depthrec-export's speed and size (bench/parquet_export_bench.sh): DuckDB
// (@duckdb/node-api, tests/integration/parquet_readers/install.sh) reads the same gzipped capture
// and writes the same depth long form (one row per level change, same columns, same DECIMAL
// scales) with COPY ... TO (FORMAT parquet, COMPRESSION zstd).
//   PARQUET_READERS_DIR=build/npm-parquet node bench/parquet_duckdb_copy.mjs CAPTURE.gz OUT.parquet P_SCALE Q_SCALE
// Prints `duckdb_copy seconds=S rows=N bytes=B`.
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'

const require = createRequire(path.resolve(process.env.PARQUET_READERS_DIR || '.', 'node_modules', 'x.js'))
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'))
const [capture, out, priceScale, qtyScale] = process.argv.slice(2)
const connection = await (await DuckDBInstance.create(':memory:')).connect()
const quote = (text) => "'" + text.replaceAll("'", "''") + "'"
// The capture is `<recv ns> <frame>` lines: one VARCHAR column, split at the first space.
const sql = `
COPY (
  WITH raw AS (
    SELECT line FROM read_csv(${quote(capture)}, columns = {'line': 'VARCHAR'}, header = false,
                              delim = '\x01', quote = '', escape = '', compression = 'gzip')),
  frames AS (
    SELECT CAST(split_part(line, ' ', 1) AS BIGINT) AS recv_ns,
           CAST(substr(line, strpos(line, ' ') + 1) AS JSON) AS j FROM raw),
  depth AS (SELECT recv_ns, j->'data' AS d FROM frames WHERE j->>'$.data.e' = 'depthUpdate'),
  levels AS (
    SELECT recv_ns, d, 'bid' AS side, unnest(CAST(d->'b' AS VARCHAR[][])) AS level FROM depth
    UNION ALL
    SELECT recv_ns, d, 'ask' AS side, unnest(CAST(d->'a' AS VARCHAR[][])) AS level FROM depth)
  SELECT make_timestamp_ns(recv_ns) AS recv_time,
         epoch_ms(CAST(d->>'E' AS BIGINT)) AS event_time,
         epoch_ms(CAST(d->>'T' AS BIGINT)) AS transaction_time,
         CAST(d->>'U' AS BIGINT) AS first_update_id,
         CAST(d->>'u' AS BIGINT) AS final_update_id,
         CAST(d->>'pu' AS BIGINT) AS prev_final_update_id,
         side,
         CAST(level[1] AS DECIMAL(18, ${Number(priceScale)})) AS price,
         CAST(level[2] AS DECIMAL(18, ${Number(qtyScale)})) AS quantity,
         false AS is_snapshot
  FROM levels
) TO ${quote(out)} (FORMAT parquet, COMPRESSION zstd)`
const start = process.hrtime.bigint()
const result = await connection.runAndReadAll(sql)
const seconds = Number(process.hrtime.bigint() - start) / 1e9
const rows = result.getRows()[0]?.[0] ?? 0
console.log(`duckdb_copy seconds=${seconds.toFixed(3)} rows=${rows} bytes=${fs.statSync(out).size}`)
