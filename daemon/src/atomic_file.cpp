#include "ccvm/daemon/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "ccvm/firmware-measure/error.hpp"

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

void write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode) {
    // Appended piece by piece: for `"." + string + ".tmp"` GCC 12 at -O3 reports a false
    // -Wrestrict inside libstdc++'s inlined std::string copy.
    std::string tmp_name = ".";
    tmp_name += path.filename().string();
    tmp_name += ".tmp";
    const std::filesystem::path tmp = path.parent_path() / tmp_name;
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
    if (fd.get() < 0) fail("cannot create", tmp);
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", tmp);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) fail("cannot fsync", tmp);
    if (::close(fd.release()) != 0) fail("cannot close", tmp);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename into", path);
    fsync_directory(path.parent_path());
}

}  // namespace ccvm::daemon
