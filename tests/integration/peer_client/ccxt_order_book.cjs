// ccxt pro, the most used Binance client library, keeps an order book against depthsim the way it
// does against Binance: it loads the markets (exchangeInfo), opens /ws/<n> (USD-M /public/ws/<n>,
// <n> its own connection index), SUBSCRIBEs to <sym>@depth@100ms, fetches the REST snapshot and
// applies the diffs, checking their continuity itself (it fails the watch on a broken pu / U).
// After `updates` book updates the simulator is paused and ccxt's book, once at the simulator's
// last update id, must equal the ground truth (/sim/truth) on its top `levels` levels.
//
//   node ccxt_order_book.cjs NPM_PREFIX spot|usdm https://127.0.0.1:PORT UPDATES LEVELS
// with NODE_EXTRA_CA_CERTS=<depthsim --cert-out>. Prints one JSON line; exit 0 when the book
// equals the truth, 1 when it differs, 2 on any error (message on stderr).
'use strict';

const https = require('https');
const { createRequire } = require('module');
const path = require('path');

// NPM_PREFIX: where install.sh put ccxt (NPM_PREFIX/node_modules/ccxt).
const [npmPrefix, market, base, updatesText, levelsText] = process.argv.slice(2);
const wantedUpdates = Number(updatesText);
const levels = Number(levelsText);

function get(path) {
  return new Promise((resolve, reject) => {
    // agent false: one connection per request (depthsim's HTTP closes after each answer).
    https
      .get(base + path, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode} ${body}`));
          else resolve(JSON.parse(body));
        });
      })
      .on('error', reject);
  });
}

function makeExchange(ccxt) {
  const ws = base.replace(/^https:/, 'wss:');
  // Only the market type under test, and none of the private (API key) endpoints.
  const options = { fetchMargins: false, fetchCurrencies: false };
  if (market === 'spot') {
    const exchange = new ccxt.pro.binance({ options: { ...options, fetchMarkets: { types: ['spot'] } } });
    exchange.urls.api.public = `${base}/api/v3`;
    exchange.urls.api.ws.spot = `${ws}/ws`;
    return { exchange, symbol: 'BTC/USDT' };
  }
  const exchange = new ccxt.pro.binanceusdm({ options: { ...options, fetchMarkets: { types: ['linear'] } } });
  exchange.urls.api.fapiPublic = `${base}/fapi/v1`;
  exchange.urls.api.ws.future = `${ws}/ws`;  // ccxt itself routes depth to <...>/public/ws/<n>
  return { exchange, symbol: 'BTC/USDT:USDT' };
}

function compareSide(name, ours, truth) {
  const problems = [];
  for (let i = 0; i < levels; i++) {
    const want = truth[i] ? [Number(truth[i][0]), Number(truth[i][1])] : undefined;
    const got = ours[i] ? [ours[i][0], ours[i][1]] : undefined;
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      problems.push(`${name}[${i}]: ccxt ${JSON.stringify(got)}, truth ${JSON.stringify(want)}`);
    }
  }
  return problems;
}

async function main() {
  const ccxt = createRequire(path.join(npmPrefix, 'package.json'))('ccxt');
  const { exchange, symbol } = makeExchange(ccxt);
  const started = Date.now();
  let updates = 0;
  let book = await exchange.watchOrderBook(symbol);
  for (updates = 1; updates < wantedUpdates; updates++) book = await exchange.watchOrderBook(symbol);
  const firstNonce = book.nonce;
  // Freeze the market, then let ccxt take in what was already sent.
  await get('/sim/pause');
  const truth = await get('/sim/truth?symbol=BTCUSDT');
  while (exchange.orderbooks[symbol].nonce < truth.lastUpdateId) {
    book = await exchange.watchOrderBook(symbol);
    updates++;
  }
  const ours = exchange.orderbooks[symbol];
  const problems = ours.nonce === truth.lastUpdateId ? [] : [`ccxt nonce ${ours.nonce} passed the truth ${truth.lastUpdateId}`];
  problems.push(...compareSide('bids', ours.bids, truth.bids), ...compareSide('asks', ours.asks, truth.asks));
  const connections = Object.keys(exchange.clients);
  console.log(
    JSON.stringify({
      market,
      ccxt: ccxt.version,
      url: connections.join(' '),
      updates,
      nonce_after_first_updates: firstNonce,
      nonce: ours.nonce,
      truth_id: truth.lastUpdateId,
      levels_compared: levels,
      book_levels: [ours.bids.length, ours.asks.length],
      best: [ours.bids[0], ours.asks[0]],
      mismatches: problems.length,
      seconds: (Date.now() - started) / 1000,
    }),
  );
  for (const problem of problems) console.error(problem);
  await exchange.close();
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`ccxt peer client failed: ${error && error.stack ? error.stack : error}`);
    process.exit(2);
  },
);
