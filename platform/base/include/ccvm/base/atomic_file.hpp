// The one crash-safe file writer: the content goes to a private temporary next to the target, is
// fsynced, then renamed (or linked) into place and the directory fsynced. After a crash at any point
// the target holds its old content or the new one, never a mix; on every error path, exceptions
// included, the temporary is removed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/unique_fd.hpp"

namespace ccvm {

class AtomicFile {
public:
    // Creates the temporary ".<target name>.<random>.tmp" in the target's directory with permissions
    // `mode` less the umask (as open(2)), set before any byte is written. SystemError on failure.
    AtomicFile(std::filesystem::path target, mode_t mode);
    ~AtomicFile();  // removes the temporary unless it was published
    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&&) = delete;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(ByteSpan data);
    // Flushes the temporary to disk and closes it; nothing more can be written.
    void sync();
    // sync(), then renames the temporary over the target (replacing it) and fsyncs the directory.
    void replace();
    // sync(), then links the temporary as the target, which must not exist (InputError naming it when
    // it does), and removes the temporary. The caller fsyncs the directory (fsync_directory) once all
    // of its files are published.
    void publish_new();

    const std::filesystem::path& target() const noexcept { return target_; }

private:
    std::filesystem::path target_;
    std::filesystem::path temp_;  // empty once published (or moved from)
    UniqueFd fd_;
};

// A set of new files published all-or-nothing, none replacing an existing file (sevctl leaves partial
// session files behind on failure, enarx-archive/sevctl#96).
class AtomicFileSet {
public:
    // InputError when `dir` is not a directory.
    explicit AtomicFileSet(std::filesystem::path dir);

    // Writes `data` to an AtomicFile for dir/name with permissions `mode` and fsyncs it. InputError
    // when `name` already exists, SystemError on I/O failure.
    void stage(const std::string& name, ByteSpan data, mode_t mode);
    // Publishes every staged file under its name (AtomicFile::publish_new); on failure removes the ones
    // already published. Whatever was staged but not committed is removed when the set is destroyed.
    void commit();

private:
    std::filesystem::path dir_;
    std::vector<AtomicFile> staged_;
};

// Replaces `path` with `data` through an AtomicFile; the new file gets `mode` (less the umask).
void write_file_atomic(const std::filesystem::path& path, ByteSpan data, mode_t mode);
void write_file_atomic(const std::filesystem::path& path, std::string_view text, mode_t mode);

// Like write_file_atomic, with the whole content of the regular file open as `source_fd` (read from
// offset 0; the descriptor is not closed). InputError naming `what` when it holds more than
// `max_bytes`; no file is left behind then.
void copy_file_atomic(int source_fd, const std::filesystem::path& path, mode_t mode, std::uint64_t max_bytes,
                      std::string_view what);

// Makes the directory entries of `dir` durable (after a create, rename or unlink in it).
void fsync_directory(const std::filesystem::path& dir);

// Whether `file_name` is the name of an AtomicFile temporary (".<name>[.<random>].tmp"), i.e. what a
// crash during a write leaves behind.
bool is_atomic_temp_name(std::string_view file_name) noexcept;

}  // namespace ccvm
