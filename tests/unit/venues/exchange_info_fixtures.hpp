// exchangeInfo answers in Binance's shapes (fields as documented for /api/v3, /fapi/v1 and
// /dapi/v1, trimmed to a few symbols): the parser's and the resolution's test input.
#pragma once

namespace depthrec::binance::fixtures {

// Spot: "status", many filters, permissionSets; a BREAK symbol keeps its filters.
inline constexpr const char* kSpotAnswer = R"({
 "timezone":"UTC","serverTime":1765000000000,
 "rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000}],
 "exchangeFilters":[],
 "symbols":[
  {"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","baseAssetPrecision":8,"quoteAsset":"BTC",
   "quotePrecision":8,"quoteAssetPrecision":8,"orderTypes":["LIMIT","MARKET"],"icebergAllowed":true,
   "isSpotTradingAllowed":true,"filters":[
    {"filterType":"PRICE_FILTER","minPrice":"0.00001000","maxPrice":"922327.00000000","tickSize":"0.00001000"},
    {"filterType":"LOT_SIZE","minQty":"0.00010000","maxQty":"100000.00000000","stepSize":"0.00010000"},
    {"filterType":"ICEBERG_PARTS","limit":10},
    {"filterType":"NOTIONAL","minNotional":"0.00010000","applyMinToMarket":true,"maxNotional":"9000000.00000000"}],
   "permissions":[],"permissionSets":[["SPOT","MARGIN"]],"defaultSelfTradePreventionMode":"EXPIRE_MAKER"},
  {"symbol":"PEPEUSDT","status":"TRADING","baseAsset":"PEPE","quoteAsset":"USDT","filters":[
    {"filterType":"PRICE_FILTER","minPrice":"0.00000001","maxPrice":"1.00000000","tickSize":"0.00000001"},
    {"filterType":"LOT_SIZE","minQty":"1.00000000","maxQty":"92141578000.00000000","stepSize":"1.00000000"}]},
  {"symbol":"LUNABUSD","status":"BREAK","baseAsset":"LUNA","quoteAsset":"BUSD","filters":[
    {"filterType":"PRICE_FILTER","minPrice":"0.00010000","maxPrice":"1000.00000000","tickSize":"0.00010000"},
    {"filterType":"LOT_SIZE","minQty":"0.01000000","maxQty":"900000.00000000","stepSize":"0.01000000"}]}
 ],
 "sors":[{"baseAsset":"BTC","symbols":["BTCUSDT","BTCUSDC"]}]})";

// USD-M: "status" and contractType; futures filter keys (maxPrice before tickSize); a SETTLING
// (delisted) contract without filters; "timezone" both at the top and at the end, as documented.
inline constexpr const char* kUsdmAnswer = R"({
 "exchangeFilters":[],"futuresType":"U_MARGINED",
 "rateLimits":[{"interval":"MINUTE","intervalNum":1,"limit":2400,"rateLimitType":"REQUEST_WEIGHT"}],
 "serverTime":1765000000000,"assets":[{"asset":"USDT","marginAvailable":true,"autoAssetExchange":"-10000"}],
 "symbols":[
  {"symbol":"BTCUSDT","pair":"BTCUSDT","contractType":"PERPETUAL","deliveryDate":4133404800000,
   "onboardDate":1569398400000,"status":"TRADING","maintMarginPercent":"2.5000","requiredMarginPercent":"5.0000",
   "baseAsset":"BTC","quoteAsset":"USDT","marginAsset":"USDT","pricePrecision":2,"quantityPrecision":3,
   "baseAssetPrecision":8,"quotePrecision":8,"underlyingType":"COIN","underlyingSubType":["PoW"],
   "settlePlan":0,"triggerProtect":"0.0500","filters":[
    {"filterType":"PRICE_FILTER","maxPrice":"4529764","minPrice":"556.80","tickSize":"0.10"},
    {"filterType":"LOT_SIZE","maxQty":"1000","minQty":"0.001","stepSize":"0.001"},
    {"filterType":"MARKET_LOT_SIZE","maxQty":"120","minQty":"0.001","stepSize":"0.001"},
    {"filterType":"MAX_NUM_ORDERS","limit":200},
    {"filterType":"PERCENT_PRICE","multiplierUp":"1.0500","multiplierDown":"0.9500","multiplierDecimal":"4"}],
   "OrderType":["LIMIT","MARKET"],"timeInForce":["GTC","IOC"],"liquidationFee":"0.012500","marketTakeBound":"0.05"},
  {"symbol":"BTCUSDT_261225","pair":"BTCUSDT","contractType":"CURRENT_QUARTER","status":"TRADING",
   "baseAsset":"BTC","quoteAsset":"USDT","marginAsset":"USDT","filters":[
    {"filterType":"PRICE_FILTER","maxPrice":"4529764","minPrice":"576.30","tickSize":"0.10"},
    {"filterType":"LOT_SIZE","maxQty":"100","minQty":"0.001","stepSize":"0.001"}]},
  {"symbol":"SRMUSDT","pair":"SRMUSDT","contractType":"","status":"SETTLING","baseAsset":"SRM",
   "quoteAsset":"USDT","marginAsset":"USDT","filters":[]}
 ],
 "timezone":"UTC"})";

// COIN-M: "contractStatus" instead of "status", contractSize.
inline constexpr const char* kCoinmAnswer = R"({
 "exchangeFilters":[],"rateLimits":[],"serverTime":1765000000000,
 "symbols":[
  {"filters":[
    {"filterType":"PRICE_FILTER","maxPrice":"4520958","minPrice":"1000","tickSize":"0.1"},
    {"filterType":"LOT_SIZE","maxQty":"1000000","minQty":"1","stepSize":"1"}],
   "OrderType":["LIMIT","MARKET"],"timeInForce":["GTC"],"liquidationFee":"0.015000",
   "symbol":"BTCUSD_PERP","pair":"BTCUSD","contractType":"PERPETUAL","deliveryDate":4133404800000,
   "onboardDate":1597042800000,"contractStatus":"TRADING","contractSize":100,"quoteAsset":"USD",
   "baseAsset":"BTC","marginAsset":"BTC","pricePrecision":1,"quantityPrecision":0,"equalQtyPrecision":4},
  {"filters":[],"symbol":"ETHUSD_270326","pair":"ETHUSD","contractType":"NEXT_QUARTER",
   "contractStatus":"PENDING_TRADING","contractSize":10,"quoteAsset":"USD","baseAsset":"ETH","marginAsset":"ETH"}
 ],
 "timezone":"UTC"})";

}  // namespace depthrec::binance::fixtures
