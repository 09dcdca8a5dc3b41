// Crash-safe file updates: write temp, fsync, rename, fsync the directory (DESIGN.md "State").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace ccvm::daemon {

// Replaces `path` with `content` so that after a crash at any point the file holds either the old
// or the new content, never a mix. `mode` applies to the new file.
void write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode = 0640);
// Like write_file_atomic, with the whole content of the regular file open as `source_fd` (read from
// offset 0; the descriptor is not closed). InputError naming `what` when it holds more than `max_bytes`;
// no file is left behind then.
void copy_file_atomic(int source_fd, const std::filesystem::path& path, unsigned mode, std::uint64_t max_bytes,
                      std::string_view what);
// Makes the directory entries of `dir` durable (after a create, rename or unlink in it).
void fsync_directory(const std::filesystem::path& dir);

}  // namespace ccvm::daemon
