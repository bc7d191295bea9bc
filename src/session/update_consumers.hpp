// The library's consumers of book updates (Recorder::on_update, Recorder::subscribe_queue), each
// with the streams it wants (KeyFilter). Several may coexist, each with its own filter. A filter
// is resolved once, when the feed sessions are built: a FeedSession holds only the consumers of
// its own stream, so an update reaches exactly those and costs the others nothing.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "depthrec/book_update_queue.hpp"
#include "depthrec/key_filter.hpp"
#include "depthrec/recorder.hpp"
#include "session/feed_session.hpp"

namespace depthrec::session {

struct UpdateConsumer {
  KeyFilter filter;
  UpdateCallback callback;                 // set, or
  std::shared_ptr<BookUpdateQueue> queue;  // set
};
using UpdateConsumers = std::vector<UpdateConsumer>;

// Throws std::runtime_error when a consumer's filter names a key or book that is not among the
// `subscribed` keys: a typo must not leave a consumer silently without updates.
template <typename Keys>
void check_filters(const UpdateConsumers& consumers, const Keys& subscribed) {
  for (const UpdateConsumer& consumer : consumers) {
    const std::string name = consumer.filter.unmatched(subscribed);
    if (!name.empty()) {
      throw std::runtime_error(std::string(consumer.callback ? "on_update" : "subscribe_queue") +
                               " filter names " + name + ", which is not subscribed");
    }
  }
}

// Gives `feed` (the stream of `key`) the consumers whose filter matches it.
inline void attach_consumers(FeedSession& feed, const SubscriptionKey& key,
                             const UpdateConsumers& consumers) {
  for (const UpdateConsumer& consumer : consumers) {
    if (!consumer.filter.matches(key)) continue;
    if (consumer.callback) feed.add_callback(consumer.callback);
    if (consumer.queue) feed.add_queue(consumer.queue);
  }
}

inline void close_queues(const UpdateConsumers& consumers) {
  for (const UpdateConsumer& consumer : consumers) {
    if (consumer.queue) consumer.queue->close();
  }
}

}  // namespace depthrec::session
