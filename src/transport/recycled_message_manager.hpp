// A websocketpp connection message manager that hands out the same message again once nobody
// holds it. websocketpp's default (message_buffer::alloc) makes a new message for every frame
// read or sent: a make_shared and a payload reserve, freed when the handler returns, i.e. two
// malloc/free pairs and a payload string grown from nothing per market-data frame. A connection
// reads one message at a time and the frame handler keeps no reference, so one spare message,
// reused while its use count says it is free, serves nearly every frame.
// Included by ws_link.cpp only (websocketpp's headers stay in that translation unit) and by its
// test.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <websocketpp/frame.hpp>

namespace depthrec::transport::detail {

template <typename Message>
class RecycledMessageManager
    : public std::enable_shared_from_this<RecycledMessageManager<Message>> {
 public:
  using ptr = std::shared_ptr<RecycledMessageManager>;
  using weak_ptr = std::weak_ptr<RecycledMessageManager>;
  using message_ptr = typename Message::ptr;

  /// A spare whose payload grew past this is dropped, not kept: one rare large frame must not
  /// pin its memory for the connection's lifetime.
  static constexpr std::size_t kMaxKeptCapacity = std::size_t{64} << 10;

  message_ptr get_message() { return std::make_shared<Message>(this->shared_from_this()); }

  message_ptr get_message(websocketpp::frame::opcode::value op, std::size_t size) {
    if (spare_ && spare_.use_count() == 1) {
      if (spare_->get_raw_payload().capacity() <= kMaxKeptCapacity) {
        reset(*spare_, op, size);
        ++reused_;
        return spare_;
      }
      spare_.reset();
    }
    // The spare is held (a queued pong, a data message a control frame interrupted): a new one.
    message_ptr fresh = std::make_shared<Message>(this->shared_from_this(), op, size);
    if (!spare_) spare_ = fresh;
    return fresh;
  }

  /// websocketpp's recycle hook (message::recycle), which it never calls: the spare is reused
  /// above.
  bool recycle(Message*) { return false; }

  /// Messages handed out again instead of allocated (for the test).
  std::size_t reused() const { return reused_; }

 private:
  /// The state a new message has (message's constructor), keeping the payload's capacity.
  static void reset(Message& message, websocketpp::frame::opcode::value op, std::size_t size) {
    message.set_opcode(op);
    message.set_prepared(false);
    message.set_fin(true);
    message.set_terminal(false);
    message.set_compressed(false);
    message.set_header(std::string());
    std::string& payload = message.get_raw_payload();
    payload.clear();
    payload.reserve(size);
  }

  message_ptr spare_;
  std::size_t reused_ = 0;
};

/// One manager per connection, as websocketpp's alloc::endpoint_msg_manager.
template <typename ConMsgManager>
struct RecycledEndpointMessageManager {
  typename ConMsgManager::ptr get_manager() const { return std::make_shared<ConMsgManager>(); }
};

}  // namespace depthrec::transport::detail
