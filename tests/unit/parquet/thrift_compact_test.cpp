// Thrift compact protocol bytes, computed by hand from the protocol's specification
// (thrift/doc/specs/thrift-compact-protocol.md): zigzag varints, field header deltas, lists.
#include "parquet/thrift_compact.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "unit/parquet/byte_literals.hpp"

namespace depthrec::parquet {
namespace {

using test::bytes;

TEST(ThriftCompact, ZigzagMapsSignedToUnsigned) {
  EXPECT_EQ(zigzag(0), 0u);
  EXPECT_EQ(zigzag(-1), 1u);
  EXPECT_EQ(zigzag(1), 2u);
  EXPECT_EQ(zigzag(-2), 3u);
  EXPECT_EQ(zigzag(2147483647), 4294967294u);
  EXPECT_EQ(zigzag(std::numeric_limits<std::int64_t>::min()),
            std::numeric_limits<std::uint64_t>::max());
}

TEST(ThriftCompact, VarintIsSevenBitsLowFirst) {
  std::string out;
  append_varint(out, 0);
  append_varint(out, 127);
  append_varint(out, 300);
  EXPECT_EQ(out, bytes({0x00, 0x7F, 0xAC, 0x02}));
}

TEST(ThriftCompact, ShortFieldDeltaInOneByte) {
  std::string out;
  CompactWriter thrift(out);
  thrift.field_i32(1, 5);        // delta 1, type 5 (i32), zigzag(5) = 10
  thrift.field_i64(3, -1);       // delta 2, type 6 (i64), zigzag(-1) = 1
  thrift.field_binary(4, "ab");  // delta 1, type 8 (binary), length 2
  EXPECT_EQ(out, bytes({0x15, 0x0A, 0x26, 0x01, 0x18, 0x02, 'a', 'b'}));
}

TEST(ThriftCompact, LongFieldDeltaWritesTheIdAsZigzag) {
  std::string out;
  CompactWriter thrift(out);
  thrift.field_i32(1, 0);
  thrift.field_i32(17, 1);  // delta 16: type byte, then zigzag(17) = 34
  EXPECT_EQ(out, bytes({0x15, 0x00, 0x05, 0x22, 0x02}));
}

TEST(ThriftCompact, BoolFieldCarriesItsValueInTheType) {
  std::string out;
  CompactWriter thrift(out);
  thrift.field_bool(1, true);
  thrift.field_bool(2, false);
  EXPECT_EQ(out, bytes({0x11, 0x12}));
}

TEST(ThriftCompact, NestedStructRestoresTheOuterFieldId) {
  std::string out;
  CompactWriter thrift(out);
  thrift.field_struct_begin(3);  // delta 3, type 12
  thrift.field_i32(1, 1);        // the inner struct counts from 0
  thrift.struct_end();
  thrift.field_i32(4, 1);  // delta 1 from the outer field 3
  thrift.struct_end();
  EXPECT_EQ(out, bytes({0x3C, 0x15, 0x02, 0x00, 0x15, 0x02, 0x00}));
}

TEST(ThriftCompact, ListHeaderShortAndLong) {
  std::string out;
  CompactWriter thrift(out);
  thrift.field_list_begin(2, CompactType::i32, 2);  // delta 2, type 9; size 2, element type 5
  thrift.element_i32(0);
  thrift.element_i32(3);
  thrift.field_list_begin(3, CompactType::binary, 15);  // size 15: 0xF8, then varint(15)
  EXPECT_EQ(out, bytes({0x29, 0x25, 0x00, 0x06, 0x19, 0xF8, 0x0F}));
}

TEST(ThriftCompact, ListOfStructsKeepsEachElementsFieldIds) {
  std::string out;
  CompactWriter thrift(out);
  thrift.field_list_begin(1, CompactType::structure, 2);
  for (int i = 0; i < 2; ++i) {
    thrift.element_struct_begin();
    thrift.field_binary(1, "k");
    thrift.struct_end();
  }
  thrift.field_i32(2, 0);  // delta 1 from the list field
  EXPECT_EQ(out, bytes({0x19, 0x2C, 0x18, 0x01, 'k', 0x00, 0x18, 0x01, 'k', 0x00, 0x15, 0x00}));
}

}  // namespace
}  // namespace depthrec::parquet
