// RecycledMessageManager: a free message is handed out again, reset to a new message's state;
// one still held (queued to send, kept by a handler) never is.
#include "transport/recycled_message_manager.hpp"

#include <gtest/gtest.h>

#include <websocketpp/message_buffer/message.hpp>

namespace depthrec::transport::detail {
namespace {

using Message = websocketpp::message_buffer::message<RecycledMessageManager>;
using Manager = RecycledMessageManager<Message>;
namespace opcode = websocketpp::frame::opcode;

TEST(RecycledMessageManager, ReusesAReleasedMessageResetToANewOnesState) {
  auto manager = std::make_shared<Manager>();
  Message* first_address = nullptr;
  {
    Manager::message_ptr first = manager->get_message(opcode::text, 600);
    first_address = first.get();
    first->append_payload(std::string(600, 'x'));
    first->set_prepared(true);
    first->set_fin(false);
    first->set_terminal(true);
    first->set_compressed(true);
    first->set_header("hdr");
  }
  Manager::message_ptr second = manager->get_message(opcode::binary, 100);
  EXPECT_EQ(second.get(), first_address);
  EXPECT_EQ(manager->reused(), 1U);
  EXPECT_EQ(second->get_opcode(), opcode::binary);
  EXPECT_TRUE(second->get_payload().empty());
  EXPECT_GE(second->get_raw_payload().capacity(), 600U);  // the point: no new allocation
  EXPECT_FALSE(second->get_prepared());
  EXPECT_TRUE(second->get_fin());
  EXPECT_FALSE(second->get_terminal());
  EXPECT_FALSE(second->get_compressed());
  EXPECT_TRUE(second->get_header().empty());
}

TEST(RecycledMessageManager, NeverHandsOutAMessageStillHeld) {
  auto manager = std::make_shared<Manager>();
  Manager::message_ptr queued = manager->get_message(opcode::pong, 10);
  queued->append_payload(std::string("ping-data"));
  Manager::message_ptr next = manager->get_message(opcode::text, 10);
  EXPECT_NE(next.get(), queued.get());
  EXPECT_EQ(queued->get_payload(), "ping-data");  // untouched
  EXPECT_EQ(queued->get_opcode(), opcode::pong);
  EXPECT_EQ(manager->reused(), 0U);
  next.reset();
  queued.reset();
  EXPECT_NE(manager->get_message(opcode::text, 10), nullptr);
  EXPECT_EQ(manager->reused(), 1U);  // the spare, once free
}

TEST(RecycledMessageManager, DropsASpareThatGrewLarge) {
  auto manager = std::make_shared<Manager>();
  manager->get_message(opcode::text, Manager::kMaxKeptCapacity + 1);  // released at once
  Manager::message_ptr next = manager->get_message(opcode::text, 10);
  EXPECT_EQ(manager->reused(), 0U);
  EXPECT_LT(next->get_raw_payload().capacity(), Manager::kMaxKeptCapacity);
}

}  // namespace
}  // namespace depthrec::transport::detail
