// The subscription table, stream router and connection planner driven by arbitrary operations:
// keys whose symbols are any bytes (as an exchangeInfo answer or a config file could hold),
// batches with repeats, removals of keys never added, and stream names of any bytes routed.
// Input: byte 0 sets the futures streams per connection (1-8, small so that connections fill);
// then operations: an opcode byte (add / remove / route), a count, and per key 4 bytes (market,
// channel kind, speed, levels) + a length byte + the symbol; per route a market byte, a length
// byte and the name.
// Invariants after every operation: every subscribed name routes to its id and nothing else routes;
// every connection holds 1 to `limit` streams of one group (venue, market, route); the connections
// hold exactly the table's keys; every key of an add is placed or refused, never both; the overall
// cap (64) holds.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "plan/connection_planner.hpp"
#include "venues/venue_rules.hpp"

namespace {

using namespace depthrec;

struct Input {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t at = 0;

  bool empty() const { return at >= size; }
  std::uint8_t byte() { return at < size ? data[at++] : 0; }
  std::string text(std::size_t length) {
    std::string out;
    while (length-- > 0 && at < size) out += static_cast<char>(data[at++]);
    return out;
  }
};

SubscriptionKey read_key(Input& in) {
  SubscriptionKey key;
  key.market = static_cast<Market>(in.byte() % 3);
  key.channel.kind = static_cast<ChannelKind>(in.byte() % 3);
  key.channel.speed = static_cast<StreamSpeed>(in.byte() % 6);
  const std::uint8_t levels = in.byte();
  key.channel.levels = levels < 200 ? static_cast<std::uint16_t>(levels % 25) : levels;
  key.symbol = in.text(in.byte() % 40);
  return key;
}

void check_invariants(const plan::ConnectionPlanner& planner, const venues::VenueRules& rules,
                      std::size_t cap) {
  const plan::SubscriptionTable& table = planner.table();
  FUZZ_CHECK(table.size() <= cap);
  std::size_t placed = 0;
  venues::ResolvedStream resolved;
  for (const plan::PlannedConnection& connection : planner.connections()) {
    FUZZ_CHECK(!connection.streams.empty());
    FUZZ_CHECK(connection.streams.size() <=
               rules.limits(connection.group).max_streams_per_connection);
    for (StreamId id : connection.streams) {
      FUZZ_CHECK(table.contains(id));
      FUZZ_CHECK(rules.resolve(table.key(id), resolved).empty());
      FUZZ_CHECK(resolved.group == connection.group);
      FUZZ_CHECK(resolved.name == table.name(id));
      FUZZ_CHECK(planner.connection_of(id) == connection.id);
      FUZZ_CHECK(table.route(connection.group.venue, connection.group.market, table.name(id)) ==
                 id);
      FUZZ_CHECK(table.find(table.key(id)) == id);
    }
    placed += connection.streams.size();
  }
  FUZZ_CHECK(placed == table.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in{data, size};
  venues::VenueOptions options;
  options.futures_streams_per_connection = 1 + in.byte() % 8;
  const auto rules = std::make_shared<const venues::VenueRules>(options);
  plan::PlannerConfig config;
  config.max_streams_total = 64;
  plan::ConnectionPlanner planner(rules, config);

  while (!in.empty()) {
    const std::uint8_t op = in.byte() % 3;
    const std::size_t count = in.byte() % 16;
    if (op == 2) {
      for (std::size_t i = 0; i < count; ++i) {
        const Market market = static_cast<Market>(in.byte() % 3);
        const std::string name = in.text(in.byte() % 48);
        const std::optional<StreamId> id = planner.table().route(Venue::binance, market, name);
        if (id) {
          FUZZ_CHECK(planner.table().contains(*id));
          FUZZ_CHECK(planner.table().name(*id) == name);
          FUZZ_CHECK(planner.table().key(*id).market == market);
        }
      }
      continue;
    }
    std::vector<SubscriptionKey> keys;
    for (std::size_t i = 0; i < count; ++i) keys.push_back(read_key(in));
    const std::size_t before = planner.table().size();
    const plan::PlanChange change = op == 0 ? planner.add(keys) : planner.remove(keys);
    std::size_t commanded = 0;
    for (const auto& command : op == 0 ? change.subscribe : change.unsubscribe) {
      commanded += command.streams.size();
    }
    for (const plan::KeyError& error : change.errors) FUZZ_CHECK(!error.message.empty());
    if (op == 0) {
      FUZZ_CHECK(commanded + change.errors.size() == keys.size());
      FUZZ_CHECK(planner.table().size() == before + commanded);
    } else {
      // Streams of connections left empty are not UNSUBSCRIBEd: those connections close.
      const std::size_t removed = keys.size() - change.errors.size();
      FUZZ_CHECK(planner.table().size() == before - removed);
      FUZZ_CHECK(commanded <= removed);
      FUZZ_CHECK(change.emptied.empty() ? commanded == removed : commanded < removed);
    }
    check_invariants(planner, *rules, config.max_streams_total);
  }
  return 0;
}
