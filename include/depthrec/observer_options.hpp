// How an observer (observer.hpp) is given its events: which streams, on which thread, how much
// may wait for it.
#pragma once

#include <cstddef>
#include <string>

#include "depthrec/key_filter.hpp"

namespace depthrec {

enum class Delivery {
  // On the observer's own thread (the library's), through its own bounded queue: a full queue
  // drops the new event and counts it (Observer::dropped, metrics.json observers[]); the network
  // thread never waits for the observer.
  queued,
  // On the network thread, inside the recorder's event path: nothing is dropped or copied across
  // threads, but the observer's time is the recorder's (it must be fast; bench/ measures it).
  synchronous,
};

struct ObserverOptions {
  KeyFilter keys;  // the streams observed (default: every stream of the channel)
  Delivery delivery = Delivery::queued;
  std::size_t capacity = 8192;  // Delivery::queued: events that may wait for the observer
  std::size_t levels = 10;      // on_book only: levels per side of each book state (0: the book)
  std::string name;             // in metrics.json and log lines; default "<channel>#<n>"
  // on_book only: 0 gives a state after every change of the book; > 0 samples it on a receive-time
  // grid of this many ns (UTC-aligned multiples): one synced state per grid point, given before
  // the first update after the point (TopOfBook::sample_ns), none while the book is unsynced.
  std::int64_t every_ns = 0;
};

}  // namespace depthrec
