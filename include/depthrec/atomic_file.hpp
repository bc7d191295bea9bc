// Replacing a file so that readers see either the old content or the new, never a partial file:
// the content goes to a temporary file in the same directory (same file system, so rename is
// atomic), is fsync'ed, renamed over the target, and the directory is fsync'ed.
#pragma once

#include <string>
#include <string_view>

namespace depthrec {

// Returns false with a message in `error` (the temporary file is removed) on any failure.
// The file is created with mode 0644.
bool write_file_atomically(const std::string& path, std::string_view content, std::string& error);

}  // namespace depthrec
