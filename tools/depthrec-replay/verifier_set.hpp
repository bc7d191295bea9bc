// One ReplayVerifier per book of the input, a (market, symbol) when the records name their market
// (or only the --symbol one), and the rule that gives each REST snapshot to the symbol it was
// fetched for:
//  - a snapshot that names its symbol (a depthrec `snapshot` record, a cryptofeed REST reply's
//    `symbol=`) goes to that symbol only;
//  - one that names none (the bare body of a raw capture) goes to the input's only symbol; in an
//    input of several symbols it is refused and counted, never guessed. One seen before any
//    symbol waits for the first, and an input that shows a second symbol later fails the
//    stream it was given to (ReplayReport::snapshots_guessed with several_symbols).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "replay_verifier.hpp"

namespace depthrec::replay {

class VerifierSet {
 public:
  // `hook` goes to the primary verifier: the --symbol one, else the first with depth events.
  VerifierSet(VerifierOptions options, ReplayVerifier::BookHook hook);
  VerifierSet(const VerifierSet&) = delete;  // its verifiers' hooks point back to it
  VerifierSet& operator=(const VerifierSet&) = delete;

  // Every stream's book, not only the primary's (depthrec-export's book states): `book` after
  // every change of a stream's valid book, `invalid` when it stops being valid; `stream` says
  // which (its market and symbol). Set before the first feed().
  struct StreamHooks {
    std::function<void(const ReplayReport& stream, std::int64_t recv_ns, const OrderBook& book)>
        book;
    std::function<void(const ReplayReport& stream, std::int64_t recv_ns)> invalid;
  };
  void set_stream_hooks(StreamHooks hooks) { stream_hooks_ = std::move(hooks); }

  void feed(const ReplayItem& item);
  void finish();

  // The --symbol stream, else the first one with depth events, else the first symbol's (an
  // empty report when the input had none).
  const ReplayReport& primary() const;
  // Every stream with depth events (and the --symbol one), in order of first appearance.
  std::vector<const ReplayReport*> reports() const;

 private:
  // `key`: the book (book_key(): market and symbol, or the symbol of a raw capture).
  ReplayVerifier* verifier_for(const std::string& key, const std::string& symbol);
  void feed_unnamed_snapshot(const ReplayItem& item);
  void give_waiting_snapshots(ReplayVerifier& verifier, const std::string& symbol);

  VerifierOptions options_;
  ReplayVerifier::BookHook hook_;           // for --at and --csv: the primary stream's book
  const ReplayVerifier* hooked_ = nullptr;  // the stream hook_ follows, once known
  StreamHooks stream_hooks_;
  std::vector<std::string> order_;  // book keys in order of first appearance
  std::map<std::string, std::unique_ptr<ReplayVerifier>> verifiers_;
  std::set<std::string> symbols_seen_;
  std::map<std::string, std::uint64_t> snapshots_by_symbol_;
  std::map<std::string, std::uint64_t> guessed_by_symbol_;
  std::uint64_t unattributed_snapshots_ = 0;
  // Snapshots without a symbol that came before any symbol did.
  std::vector<DepthSnapshot> waiting_snapshots_;
  std::vector<std::int64_t> waiting_recv_ns_;
  ReplayReport empty_;
};

}  // namespace depthrec::replay
