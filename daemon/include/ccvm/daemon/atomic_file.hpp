// Crash-safe file updates: write temp, fsync, rename, fsync the directory (DESIGN.md "State").
#pragma once

#include <filesystem>
#include <string_view>

namespace ccvm::daemon {

// Replaces `path` with `content` so that after a crash at any point the file holds either the old
// or the new content, never a mix. `mode` applies to the new file.
void write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode = 0640);
// Makes the directory entries of `dir` durable (after a create, rename or unlink in it).
void fsync_directory(const std::filesystem::path& dir);

}  // namespace ccvm::daemon
