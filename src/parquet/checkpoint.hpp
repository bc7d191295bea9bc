// Crash safety of an open Parquet file. After each row group the writer hands the footer that
// would make the bytes so far a whole file (FileMetaData + length + PAR1) to its OutputFile,
// which fsyncs the data and saves a sidecar `<file>.tmp.footer` (written to a temporary name,
// fsynced, renamed): where the complete data ends and that footer. The .tmp itself never holds a
// footer until close, so nothing is rewritten in place. After a crash, recovery cuts the .tmp at
// the saved offset (dropping a half-written row group), appends the saved footer and renames it
// to a `.recovered.parquet` name; without a valid sidecar the data stays unrecoverable.
//
// Sidecar layout, little endian: "DRPQFTR1" | data_end u64 | footer_size u32 | footer bytes |
// crc32 (zlib) u32 of everything before it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace depthrec::parquet {

inline constexpr std::string_view kCheckpointSuffix = ".footer";  // after the file's ".tmp"

struct FooterCheckpoint {
  std::uint64_t data_end = 0;  // the row groups' end: the footer goes here
  std::string footer;          // FileMetaData + its length (u32) + "PAR1"
};

std::string encode_checkpoint(std::uint64_t data_end, std::string_view footer);

// False (and `error`) unless `bytes` is a whole, uncorrupted sidecar whose footer ends with its
// own length and PAR1. Reads bytes from outside: never trusts a length it has not checked.
bool decode_checkpoint(std::string_view bytes, FooterCheckpoint& checkpoint, std::string& error);

enum class RecoveryOutcome : std::uint8_t { recovered, unrecoverable, failed };

// Makes `temporary` (a crashed writer's .tmp) a valid file at `recovered_path` using the sidecar
// `temporary + kCheckpointSuffix`: recovered (the sidecar removed), unrecoverable (no valid
// sidecar, or the .tmp is shorter than it says or not a Parquet start: nothing changed but a
// corrupt sidecar removed) or failed (an I/O error; `error` says which). Repeating it after a
// crash inside it is safe: the cut is at the same offset.
RecoveryOutcome recover_temporary(const std::string& temporary, const std::string& recovered_path,
                                  std::string& error);

}  // namespace depthrec::parquet
