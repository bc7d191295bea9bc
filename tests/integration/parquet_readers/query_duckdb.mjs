// Runs one SQL query with DuckDB (@duckdb/node-api) and prints its rows as a JSON array of arrays
// of text (null as null): the README's DuckDB one-liners, run by the tests as a user would.
//   PARQUET_READERS_DIR=build/npm-parquet node query_duckdb.mjs "SELECT ..."
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(path.resolve(process.env.PARQUET_READERS_DIR || '.', 'node_modules', 'x.js'))
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'))

const instance = await DuckDBInstance.create(':memory:')
const connection = await instance.connect()
const rows = (await connection.runAndReadAll(process.argv[2])).getRows()
process.stdout.write(JSON.stringify(rows.map((row) => row.map((value) => (value === null ? null : String(value))))))
