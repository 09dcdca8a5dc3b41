#include "ccvm/daemon/secret_buffer.hpp"

#include <openssl/crypto.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ccvm/daemon/errors.hpp"

namespace ccvm::daemon {

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept : bytes_(std::move(other.bytes_)) { other.wipe(); }

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
    if (this != &other) {
        wipe();
        bytes_ = std::move(other.bytes_);
        other.wipe();
    }
    return *this;
}

SecretBuffer::~SecretBuffer() { wipe(); }

void SecretBuffer::wipe() noexcept {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    bytes_.clear();
}

SecretBuffer read_secret_fd(int fd, std::size_t limit) {
    // Reserve once so the buffer never reallocates and leaves unwiped copies behind.
    std::vector<std::byte> bytes(limit + 1);
    std::size_t used = 0;
    while (used < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + used, bytes.size() - used);
        if (n < 0) {
            if (errno == EINTR) continue;
            SecretBuffer wipe_on_throw{std::move(bytes)};
            throw DaemonError(ErrorCode::invalid_argument,
                              std::string("cannot read the secret descriptor: ") + std::strerror(errno));
        }
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
    }
    if (used > limit) {
        SecretBuffer wipe_on_throw{std::move(bytes)};
        throw DaemonError(ErrorCode::invalid_argument,
                          "the secret is larger than " + std::to_string(limit) + " bytes");
    }
    if (used == 0) throw DaemonError(ErrorCode::invalid_argument, "the secret is empty");
    // Shrink in place: resize() down never reallocates.
    OPENSSL_cleanse(bytes.data() + used, bytes.size() - used);
    bytes.resize(used);
    return SecretBuffer(std::move(bytes));
}

}  // namespace ccvm::daemon

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdio>

namespace ccvm::daemon {

SecretBuffer read_secret_path(const std::filesystem::path& path, std::size_t limit) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        throw DaemonError(ErrorCode::invalid_argument,
                          "cannot open secret file " + path.string() + ": " + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        throw DaemonError(ErrorCode::invalid_argument, "secret file " + path.string() + " is not a regular file");
    if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        throw DaemonError(ErrorCode::invalid_argument, "secret file " + path.string() + " has mode " + mode +
                                                           ": it must not be readable by group or others");
    }
    return read_secret_fd(fd, limit);
}

}  // namespace ccvm::daemon
