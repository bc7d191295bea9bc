// Expected encodings written as byte values: bytes({0x15, 0x0A}).
#pragma once

#include <initializer_list>
#include <string>

namespace depthrec::parquet::test {

inline std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int value : values) out.push_back(static_cast<char>(value));
  return out;
}

}  // namespace depthrec::parquet::test
