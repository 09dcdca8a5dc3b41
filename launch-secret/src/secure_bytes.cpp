#include "ccvm/launch-secret/secure_bytes.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::secret {

SecretBytes::SecretBytes(std::size_t size) : data_(std::make_unique<std::byte[]>(size)), size_(size) {}

SecretBytes::SecretBytes(ByteSpan data) : SecretBytes(data.size()) { std::copy(data.begin(), data.end(), data_.get()); }

SecretBytes::~SecretBytes() { wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : data_(std::move(other.data_)), size_(other.size_) {
    other.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        wipe();
        data_ = std::move(other.data_);
        size_ = other.size_;
        other.size_ = 0;
    }
    return *this;
}

void SecretBytes::wipe() noexcept {
    if (data_ && size_ > 0) OPENSSL_cleanse(data_.get(), size_);
}

namespace {

std::string octal_mode(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

}  // namespace

void check_secret_descriptor(int fd, const std::string& name, SecretFileAccess access) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw InputError("secret file '" + name + "': cannot stat: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw InputError("secret file '" + name + "': not a regular file");
    // A file nobody can write (read-only media, packaged fixtures) is not a live key someone forgot
    // to protect; every writable file must be private to its owner.
    const bool writable = (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) != 0;
    if (access == SecretFileAccess::owner_only && writable && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        throw InputError("secret file '" + name + "' is readable by group or others (mode " + octal_mode(st.st_mode) +
                         "); restrict it with: chmod 600 '" + name + "'");
    }
    if (static_cast<std::uint64_t>(st.st_size) > kMaxSecretFileSize) {
        throw InputError("secret file '" + name + "': " + std::to_string(st.st_size) + " bytes, more than the " +
                         std::to_string(kMaxSecretFileSize) + "-byte limit for secrets");
    }
}

UniqueFd open_secret_file(const std::filesystem::path& path, SecretFileAccess access) {
    const std::string name = path.string();
    UniqueFd fd(::open(name.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) throw InputError("secret file '" + name + "': cannot open: " + std::strerror(errno));
    check_secret_descriptor(fd.get(), name, access);
    return fd;
}

SecretBytes read_secret_file(const std::filesystem::path& path, SecretFileAccess access) {
    const std::string name = path.string();
    const UniqueFd fd = open_secret_file(path, access);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        throw InputError("secret file '" + name + "': cannot stat: " + std::strerror(errno));
    SecretBytes out(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw InputError("secret file '" + name + "': read failed: " + std::strerror(errno));
        if (n == 0) throw InputError("secret file '" + name + "': file shrank while being read");
        done += static_cast<std::size_t>(n);
    }
    return out;
}

SecretBytes read_secret_fd(int fd, std::string_view what) {
    const std::string name(what);
    SecretBytes buf(kMaxSecretFileSize + 1);  // one spare byte detects an oversized secret
    std::size_t done = 0;
    while (done < buf.size()) {
        ssize_t n = ::read(fd, buf.data() + done, buf.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw InputError(name + ": read failed: " + std::strerror(errno));
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    if (done > kMaxSecretFileSize) {
        throw InputError(name + ": more than the " + std::to_string(kMaxSecretFileSize) + "-byte limit for secrets");
    }
    return SecretBytes(buf.span().first(done));
}

SecretBytes read_secret_key_file(const std::filesystem::path& path, std::size_t size, std::string_view what,
                                 SecretFileAccess access) {
    SecretBytes key = read_secret_file(path, access);
    if (key.size() != size) {
        throw InputError(std::string(what) + ": '" + path.string() + "' holds " + std::to_string(key.size()) +
                         " bytes, expected a raw " + std::to_string(size) + "-byte key");
    }
    return key;
}

}  // namespace ccvm::secret
