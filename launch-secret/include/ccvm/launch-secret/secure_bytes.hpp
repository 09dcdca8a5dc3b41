// Secret material in memory and on disk: an owning buffer wiped with OPENSSL_cleanse, and the one
// reader for secret input files (keys, TEK/TIK, secret payloads).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/unique_fd.hpp"

namespace ccvm::secret {

// A fixed-size byte buffer for keys and secrets. Never reallocates (a reallocation would leave an
// unwiped copy behind), is wiped on destruction, and leaves an empty buffer behind when moved from.
class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size);  // zero-filled
    explicit SecretBytes(ByteSpan data);     // copies `data`
    ~SecretBytes();
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    // Explicit copy, so that every duplicate of a secret is visible in the code.
    SecretBytes clone() const { return SecretBytes(span()); }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::byte* data() noexcept { return data_.get(); }
    const std::byte* data() const noexcept { return data_.get(); }
    ByteSpan span() const noexcept { return {data_.get(), size_}; }
    MutableByteSpan mutable_span() noexcept { return {data_.get(), size_}; }
    operator ByteSpan() const noexcept { return span(); }  // NOLINT: secrets feed ByteSpan APIs

private:
    void wipe() noexcept;
    std::unique_ptr<std::byte[]> data_;
    std::size_t size_ = 0;
};

// Whether read_secret_file accepts a file that group or others may read. Refusing is the rule; the
// relaxed form exists for read-only shared test fixtures (see the CLI's CCVM_ALLOW_READABLE_SECRETS).
enum class SecretFileAccess { owner_only, allow_readable };

// Upper bound for a secret input file: far above any SEV secret (the packet is capped at 16 KiB).
inline constexpr std::size_t kMaxSecretFileSize = 1 << 20;

// Opens a secret file for reading after the checks read_secret_file describes (regular file, size
// limit, mode), made on the open descriptor so the file checked is the file read. Every reader of
// secret files (the CLI, spec checks, the daemon's clients) goes through here.
UniqueFd open_secret_file(const std::filesystem::path& path, SecretFileAccess access = SecretFileAccess::owner_only);

// The checks of open_secret_file on a descriptor opened elsewhere (a secret file passed over D-Bus):
// InputError naming `name` when it is not a regular file, too big, or readable by group or others.
void check_secret_descriptor(int fd, const std::string& name, SecretFileAccess access = SecretFileAccess::owner_only);

// Reads a secret file into wiped memory. Throws InputError naming `path` when it cannot be opened,
// is not a regular file, exceeds kMaxSecretFileSize, or (with owner_only) is writable and readable by
// group or others; that last message names the octal mode and how to fix it. Files no one can write
// (mode 0444 and the like: read-only media, packaged test fixtures) are accepted.
SecretBytes read_secret_file(const std::filesystem::path& path, SecretFileAccess access = SecretFileAccess::owner_only);

// Reads a secret from an open descriptor until end of file (a regular file, pipe or socket, e.g. one
// passed over D-Bus); the descriptor is not closed. InputError naming `what` on read errors or when
// more than kMaxSecretFileSize bytes arrive.
SecretBytes read_secret_fd(int fd, std::string_view what);

// Reads a secret file that must hold exactly `size` bytes (a raw TEK or TIK); `what` names the flag.
SecretBytes read_secret_key_file(const std::filesystem::path& path, std::size_t size, std::string_view what,
                                 SecretFileAccess access = SecretFileAccess::owner_only);

}  // namespace ccvm::secret
