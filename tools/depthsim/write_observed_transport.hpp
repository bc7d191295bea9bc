// websocketpp's asio transport with one addition: a connection reports each write of frames,
// with the buffers it wrote and how many of their bytes reached the socket, so the exchange
// counts an event as delivered only once its bytes were written (not when it was queued).
// websocketpp's own buffered amount cannot tell: a write in flight has already left its queue,
// and a client that stops reading holds a whole batch of frames in one write, partly written.
// Include only from ws_server_impl.hpp.
#pragma once

#include <websocketpp/transport/asio/endpoint.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace depthsim {

template <typename TransportConfig>
class WriteObservedConnection : public websocketpp::transport::asio::connection<TransportConfig> {
  using Base = websocketpp::transport::asio::connection<TransportConfig>;

 public:
  using Buffers = std::vector<websocketpp::transport::buffer>;
  // `written`: the bytes of `buffers`, from the first, that the socket took (all of them unless
  // the write failed).
  using WriteObserver = std::function<void(const Buffers& buffers, std::size_t written)>;

  using Base::Base;

  void set_write_observer(WriteObserver observer) { observer_ = std::move(observer); }
  // A write of frames is under way: its observer call is still to come.
  bool writing() const { return writing_; }

  // The next single-buffer write (the handshake's 101 response, the first write of an accepted
  // upgrade) leaves `delay` late: /sim/hold-handshakes, a successor held while its client waits.
  void hold_next_write(std::chrono::milliseconds delay) { hold_ = delay; }

  // The handshake's single-buffer writes carry no frames: passed through unobserved.
  void async_write(const char* buf, std::size_t len,
                   websocketpp::transport::write_handler handler) {
    if (hold_.count() > 0) {
      auto timer =
          std::make_shared<asio::steady_timer>(this->get_raw_socket().get_executor(), hold_);
      hold_ = std::chrono::milliseconds(0);
      timer->async_wait([self = Base::get_shared(), this, timer, buf, len,
                         handler = std::move(handler)](const asio::error_code&) mutable {
        Base::async_write(buf, len, std::move(handler));
      });
      return;
    }
    Base::async_write(buf, len, std::move(handler));
  }

  // Frame writes, as the base transport does them but keeping the count of bytes written, which
  // it drops. The observer hears of them before websocketpp releases the messages. depthsim runs
  // its io_context on one thread, so the completion needs no strand. The batch (header, payload,
  // header, payload...) is copied into one buffer first: asio sends at most 64 buffers a call,
  // so flat out a batch of thousands of frames went out 32 frames per sendmsg (depthsim at ~60 %
  // of its former rate; the endurance test FaultLongRun timed out); one buffer goes out in
  // socket-sized pieces for the price of a memcpy.
  //
  // The frames' buffer list rides in the same shared allocation: captured by value, a const
  // reference parameter becomes a const vector member, which every move of the handler through
  // asio's composed write copies (a paced depthsim that fell behind queued ~10^6 frames and
  // delivered ~6k events/s instead of 150k, copying the list at each partial send).
  void async_write(const Buffers& buffers, websocketpp::transport::write_handler handler) {
    struct Batch {
      Buffers frames;
      std::string bytes;
    };
    auto batch = std::make_shared<Batch>();
    batch->frames = buffers;
    std::size_t total = 0;
    for (const websocketpp::transport::buffer& buffer : buffers) total += buffer.len;
    batch->bytes.reserve(total);
    for (const websocketpp::transport::buffer& buffer : buffers)
      batch->bytes.append(buffer.buf, buffer.len);
    writing_ = true;
    asio::async_write(this->get_socket(), asio::buffer(batch->bytes),
                      [self = Base::get_shared(), this, batch, handler = std::move(handler)](
                          const asio::error_code& error, std::size_t written) {
                        writing_ = false;
                        if (observer_) observer_(batch->frames, written);
                        websocketpp::lib::error_code result;
                        if (error)
                          result = make_error_code(websocketpp::transport::error::pass_through);
                        handler(result);
                      });
  }

 private:
  WriteObserver observer_;
  bool writing_ = false;
  std::chrono::milliseconds hold_{0};
};

template <typename TransportConfig>
class WriteObservedEndpoint : public websocketpp::transport::asio::endpoint<TransportConfig> {
 public:
  using transport_con_type = WriteObservedConnection<TransportConfig>;
  using transport_con_ptr = typename transport_con_type::ptr;
};

}  // namespace depthsim
