// Dumps a Parquet file's schema, statistics and every row as JSON with DuckDB (@duckdb/node-api:
// DuckDB's own C++ Parquet reader, no code shared with depthrec's writer), normalised as
// read_hyparquet.mjs does: integers and timestamps as decimal strings (timestamps in their
// column's unit), decimals as exact canonical text, booleans and strings as they are.
//   PARQUET_READERS_DIR=build/npm-parquet node read_duckdb.mjs FILE...
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(path.resolve(process.env.PARQUET_READERS_DIR || '.', 'node_modules', 'x.js'))
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'))

const instance = await DuckDBInstance.create(':memory:')
const connection = await instance.connect()
const query = async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS()

async function dump(filename) {
  const file = filename.replaceAll("'", "''")
  // The unit of each timestamp column, from the file's own schema (DuckDB may widen MILLIS).
  const schema = await query(`SELECT name, type, logical_type, scale, precision FROM parquet_schema('${file}')`)
  const units = new Map()
  for (const element of schema) {
    const logical = String(element.logical_type ?? '')
    if (logical.includes('NANOS=NanoSeconds()')) units.set(element.name, 'ns')
    else if (logical.includes('MILLIS=MilliSeconds()')) units.set(element.name, 'ms')
  }
  // hive_partitioning off: the file's own columns, not those of its channel=/market=/... path.
  const source = `read_parquet('${file}', hive_partitioning = false)`
  const described = await query(`DESCRIBE SELECT * FROM ${source}`)
  const select = described.map(({ column_name: name, column_type: type }) => {
    const quoted = '"' + name.replaceAll('"', '""') + '"'
    if (units.get(name) === 'ns') return `CAST(epoch_ns(${quoted}) AS VARCHAR)`
    if (units.get(name) === 'ms') return `CAST(epoch_ms(${quoted}) AS VARCHAR)`
    if (type.startsWith('DECIMAL')) {
      // exact text, then without trailing fractional zeros, with a 0 before a leading point
      // (DuckDB prints DECIMAL(6,6) -0.0001 as "-.000100")
      const trimmed = `regexp_replace(regexp_replace(CAST(${quoted} AS VARCHAR), '(\\.\\d*?)0+$', '\\1'), '\\.$', '')`
      return `regexp_replace(${trimmed}, '^(-?)\\.', '\\10.')`
    }
    return `CAST(${quoted} AS VARCHAR)`
  })
  const rows = described.length
    ? (await connection.runAndReadAll(`SELECT ${select.join(', ')} FROM ${source}`)).getRows()
    : []
  const metadata = await query(`SELECT num_rows, num_row_groups, created_by FROM parquet_file_metadata('${file}')`)
  const keyValues = await query(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${file}')`)
  const statistics = await query(
    `SELECT row_group_id, path_in_schema, stats_min_value, stats_max_value, stats_null_count, compression, encodings
     FROM parquet_metadata('${file}') ORDER BY row_group_id, column_id`)
  return {
    reader: 'duckdb',
    num_rows: Number(metadata[0].num_rows),
    row_groups: Number(metadata[0].num_row_groups),
    created_by: metadata[0].created_by,
    key_value_metadata: Object.fromEntries(keyValues.map((kv) => [kv.key, kv.value])),
    columns: described.map((c) => ({ name: c.column_name, type: c.column_type })),
    statistics: statistics.map((s) => ({
      row_group: Number(s.row_group_id),
      column: s.path_in_schema,
      min: s.stats_min_value,
      max: s.stats_max_value,
      null_count: s.stats_null_count === null ? null : Number(s.stats_null_count),
      compression: s.compression,
      encodings: s.encodings,
    })),
    rows: rows.map((row) => row.map((value) => (value === null ? null : String(value)))),
  }
}

// One JSON array, an object per file named on the command line (one DuckDB instance for all).
const dumps = []
for (const filename of process.argv.slice(2)) dumps.push(await dump(filename))
process.stdout.write(JSON.stringify(dumps))
