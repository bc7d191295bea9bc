// Live Parquet crash recovery (parquet/checkpoint.hpp) reads a crashed run's files. Byte 0 picks:
//  - even: the rest as a footer-checkpoint sidecar. If accepted, its footer ends with its own
//    length and PAR1, and encoding it again gives the same bytes;
//  - odd: bytes 1-2 (little endian) are the sidecar's length, then the sidecar, then the .tmp's
//    bytes; both go to disk and are recovered. Recovered: the file is the .tmp's first data_end
//    bytes plus the saved footer, and no .tmp or sidecar is left. Unrecoverable: the .tmp is
//    untouched and the sidecar gone. Never a crash, never a failed I/O on a writable directory.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "parquet/checkpoint.hpp"

namespace {

using depthrec::parquet::FooterCheckpoint;

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_whole(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void check_decode(std::string_view sidecar) {
  FooterCheckpoint checkpoint;
  std::string error;
  if (!depthrec::parquet::decode_checkpoint(sidecar, checkpoint, error)) {
    FUZZ_CHECK(!error.empty());
    return;
  }
  const std::string& footer = checkpoint.footer;
  FUZZ_CHECK(footer.size() >= 12);
  FUZZ_CHECK(footer.compare(footer.size() - 4, 4, "PAR1") == 0);
  std::uint32_t length = 0;
  std::memcpy(&length, footer.data() + footer.size() - 8, 4);
  FUZZ_CHECK(length == footer.size() - 8);
  FUZZ_CHECK(depthrec::parquet::encode_checkpoint(checkpoint.data_end, footer) == sidecar);
}

void check_recovery(std::string_view sidecar, std::string_view data) {
  static const std::string dir = [] {
    const std::string made = std::filesystem::temp_directory_path().string() +
                             "/fuzz_parquet_checkpoint." + std::to_string(::getpid());
    std::filesystem::create_directories(made);
    return made;
  }();
  const std::string temporary = dir + "/part.parquet.tmp";
  const std::string sidecar_path = temporary + std::string(depthrec::parquet::kCheckpointSuffix);
  const std::string recovered = dir + "/part.recovered.parquet";
  write_whole(temporary, data);
  write_whole(sidecar_path, sidecar);
  FooterCheckpoint expected;
  std::string error;
  const bool valid = depthrec::parquet::decode_checkpoint(sidecar, expected, error);
  const auto outcome = depthrec::parquet::recover_temporary(temporary, recovered, error);
  FUZZ_CHECK(outcome != depthrec::parquet::RecoveryOutcome::failed);
  FUZZ_CHECK(!std::filesystem::exists(sidecar_path));
  if (outcome == depthrec::parquet::RecoveryOutcome::recovered) {
    FUZZ_CHECK(valid && expected.data_end <= data.size());
    FUZZ_CHECK(read_whole(recovered) ==
               std::string(data.substr(0, expected.data_end)) + expected.footer);
    FUZZ_CHECK(!std::filesystem::exists(temporary));
    std::filesystem::remove(recovered);
  } else {
    FUZZ_CHECK(read_whole(temporary) == data);
    FUZZ_CHECK(!std::filesystem::exists(recovered));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if ((data[0] & 1) == 0) {
    check_decode(input.substr(1));
    return 0;
  }
  if (size < 3) return 0;
  const std::size_t sidecar_size = std::min<std::size_t>(data[1] | (data[2] << 8), size - 3);
  check_recovery(input.substr(3, sidecar_size), input.substr(3 + sidecar_size));
  return 0;
}
