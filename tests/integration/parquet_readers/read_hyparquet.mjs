// Dumps a Parquet file's schema, statistics and every row as JSON with hyparquet (a pure
// JavaScript reader that shares no code with depthrec's writer), values normalised for an exact
// comparison: integers and timestamps as decimal strings (timestamps in their column's unit),
// decimals as exact canonical text (no trailing fractional zeros), booleans and strings as they are.
//   PARQUET_READERS_DIR=build/npm-parquet node read_hyparquet.mjs FILE...
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(path.resolve(process.env.PARQUET_READERS_DIR || '.', 'node_modules', 'x.js'))
const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import(require.resolve('hyparquet'))
const { compressors } = await import(require.resolve('hyparquet-compressors'))

function canonicalDecimal(unscaled, scale) {
  const negative = unscaled < 0n
  let digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  let text = scale > 0 ? digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale) : digits
  if (scale > 0) text = text.replace(/0+$/, '').replace(/\.$/, '')
  return (negative && text !== '0' ? '-' : '') + text
}

async function dump(filename) {
  const file = await asyncBufferFromFile(filename)
  const metadata = await parquetMetadataAsync(file)
  const columns = metadata.schema.slice(1)
  const decimals = new Map()
  // hyparquet turns DECIMAL into a float: read the unscaled integers instead (the converted type
  // dropped from a copy of the schema) and apply the scale here, exactly.
  const raw = structuredClone(metadata)
  for (const element of raw.schema.slice(1)) {
    if (element.converted_type === 'DECIMAL' || element.logical_type?.type === 'DECIMAL') {
      decimals.set(element.name, element.scale ?? element.logical_type.scale)
      delete element.converted_type
      delete element.logical_type
    }
  }
  const identity = (value) => value
  const rows = await parquetReadObjects({
    file,
    metadata: raw,
    compressors,
    parsers: { timestampFromMilliseconds: identity, timestampFromMicroseconds: identity, timestampFromNanoseconds: identity },
  })
  const normalise = (name, value) => {
    if (value === null || value === undefined) return null
    if (decimals.has(name)) return canonicalDecimal(BigInt(value), decimals.get(name))
    if (typeof value === 'bigint' || typeof value === 'number') return value.toString()
    if (typeof value === 'boolean') return value ? 'true' : 'false'
    return String(value)
  }
  return {
    reader: 'hyparquet',
    num_rows: Number(metadata.num_rows),
    row_groups: metadata.row_groups.length,
    created_by: metadata.created_by,
    key_value_metadata: Object.fromEntries((metadata.key_value_metadata || []).map((kv) => [kv.key, kv.value])),
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type,
      repetition: c.repetition_type,
      logical: c.logical_type ? JSON.stringify(c.logical_type, (k, v) => (typeof v === 'bigint' ? v.toString() : v)) : null,
    })),
    rows: rows.map((row) => columns.map((c) => normalise(c.name, row[c.name]))),
  }
}

// One JSON array, an object per file named on the command line.
const dumps = []
for (const filename of process.argv.slice(2)) dumps.push(await dump(filename))
process.stdout.write(JSON.stringify(dumps))
