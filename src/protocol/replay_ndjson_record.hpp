// Reads one depthrec NDJSON record line (docs/records.md) into a ReplayItem: ReplayLineParser's
// NDJSON half.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "depthrec/replay_reader.hpp"

namespace depthrec {

// Parses `line` in place with `document` (reused between lines; cleared here), so the views in
// `item` point into `line`. Returns an empty string on success, else why the line was refused.
std::string parse_ndjson_record(std::string& line, rapidjson::Document& document, ReplayItem& item);

}  // namespace depthrec
