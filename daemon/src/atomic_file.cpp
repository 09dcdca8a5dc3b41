#include "ccvm/daemon/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "ccvm/base/error.hpp"

namespace ccvm::daemon {

namespace {

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const noexcept { return fd_; }
    int release() noexcept { return std::exchange(fd_, -1); }

private:
    int fd_;
};

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
    throw SystemError(what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

void fsync_directory(const std::filesystem::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) fail("cannot open directory", dir);
    if (::fsync(fd.get()) != 0) fail("cannot fsync directory", dir);
}

namespace {

void write_all(int fd, const char* data, std::size_t size, const std::filesystem::path& tmp) {
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", tmp);
        }
        done += static_cast<std::size_t>(n);
    }
}

// Creates the temporary sibling of `path`, lets `fill` write it, then fsyncs and renames it over `path`.
template <typename Fill>
void replace_atomically(const std::filesystem::path& path, unsigned mode, Fill fill) {
    // Appended piece by piece: for `"." + string + ".tmp"` GCC 12 at -O3 reports a false
    // -Wrestrict inside libstdc++'s inlined std::string copy.
    std::string tmp_name = ".";
    tmp_name += path.filename().string();
    tmp_name += ".tmp";
    const std::filesystem::path tmp = path.parent_path() / tmp_name;
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
    if (fd.get() < 0) fail("cannot create", tmp);
    try {
        fill(fd.get(), tmp);
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
    if (::fsync(fd.get()) != 0) fail("cannot fsync", tmp);
    if (::close(fd.release()) != 0) fail("cannot close", tmp);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename into", path);
    fsync_directory(path.parent_path());
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode) {
    replace_atomically(path, mode, [&](int fd, const std::filesystem::path& tmp) {
        write_all(fd, content.data(), content.size(), tmp);
    });
}

void copy_file_atomic(int source_fd, const std::filesystem::path& path, unsigned mode, std::uint64_t max_bytes,
                      std::string_view what) {
    replace_atomically(path, mode, [&](int fd, const std::filesystem::path& tmp) {
        std::vector<char> buf(1 << 20);
        std::uint64_t offset = 0;
        for (;;) {
            // pread from 0: the whole file, wherever the descriptor's shared offset stands.
            const ssize_t n = ::pread(source_fd, buf.data(), buf.size(), static_cast<off_t>(offset));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw SystemError("cannot read the source of " + path.string() + ": " + std::strerror(errno));
            if (n == 0) break;
            offset += static_cast<std::uint64_t>(n);
            if (offset > max_bytes)
                throw InputError(std::string(what) + ": more than the " + std::to_string(max_bytes) +
                                 "-byte limit for one input file");
            write_all(fd, buf.data(), static_cast<std::size_t>(n), tmp);
        }
    });
}

}  // namespace ccvm::daemon
