// UTF-8 validity for text written into JSON: a writer copies bytes as they are, and a name or a
// field from the network or a file must not make a record or metrics.json invalid JSON.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace depthrec {

// Length of the valid UTF-8 sequence starting at text[i] (1 for ASCII), or 0 if the bytes there
// are invalid (overlong forms, surrogates and values above U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

// `text` with every byte that is not part of a valid sequence replaced by U+FFFD (no copy work
// beyond the string itself for ASCII, the common case).
std::string valid_utf8(std::string_view text);

}  // namespace depthrec
