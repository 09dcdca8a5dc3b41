// Secret bytes received from a caller: bounded read from a file descriptor, wiped on destruction.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

namespace ccvm::daemon {

class SecretBuffer {
public:
    SecretBuffer() = default;
    explicit SecretBuffer(std::vector<std::byte> bytes) : bytes_(std::move(bytes)) {}
    SecretBuffer(const SecretBuffer&) = delete;
    SecretBuffer& operator=(const SecretBuffer&) = delete;
    SecretBuffer(SecretBuffer&& other) noexcept;
    SecretBuffer& operator=(SecretBuffer&& other) noexcept;
    ~SecretBuffer();

    std::span<const std::byte> bytes() const noexcept { return bytes_; }
    std::size_t size() const noexcept { return bytes_.size(); }

private:
    void wipe() noexcept;
    std::vector<std::byte> bytes_;
};

// Reads at most `limit` bytes from `fd` (not closed); more is an InvalidArgument error.
SecretBuffer read_secret_fd(int fd, std::size_t limit);

}  // namespace ccvm::daemon

namespace ccvm::daemon {

// Reads a secret file named by a spec; refuses files readable by group or others (names path and mode).
SecretBuffer read_secret_path(const std::filesystem::path& path, std::size_t limit);

}  // namespace ccvm::daemon
