#include "ccvm/launch-secret/atomic_file_set.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ccvm/base/error.hpp"

namespace ccvm::secret {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p) {
    throw SystemError(what + " '" + p.string() + "': " + std::strerror(errno));
}

void write_all(int fd, ByteSpan data, const std::filesystem::path& p) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("cannot write", p);
        done += static_cast<std::size_t>(n);
    }
}

void fsync_dir(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;  // best effort: the files themselves are already synced
    (void)::fsync(fd);
    ::close(fd);
}

}  // namespace

AtomicFileSet::AtomicFileSet(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir_, ec))
        throw InputError("output directory '" + dir_.string() + "' does not exist");
}

AtomicFileSet::~AtomicFileSet() {
    for (const Staged& s : staged_) ::unlink(s.temp.c_str());
}

void AtomicFileSet::stage(const std::string& name, ByteSpan data, mode_t mode) {
    const std::filesystem::path target = dir_ / name;
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(target, ec))) {
        throw InputError("'" + target.string() + "' already exists; remove it or choose another name");
    }
    std::string tmpl = (dir_ / ("." + name + ".XXXXXX")).string();
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0) fail("cannot create a temporary file in", dir_);
    staged_.push_back({tmpl, target});
    const bool ok = ::fchmod(fd, mode) == 0;
    if (!ok) {
        ::close(fd);
        fail("cannot set permissions of", tmpl);
    }
    try {
        write_all(fd, data, tmpl);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        fail("cannot sync", tmpl);
    }
    if (::close(fd) != 0) fail("cannot close", tmpl);
}

void AtomicFileSet::commit() {
    std::vector<std::filesystem::path> published;
    for (const Staged& s : staged_) {
        // link() never replaces an existing file, unlike rename().
        if (::link(s.temp.c_str(), s.target.c_str()) != 0) {
            const int err = errno;
            for (const auto& p : published) ::unlink(p.c_str());
            errno = err;
            if (err == EEXIST)
                throw InputError("'" + s.target.string() + "' already exists; remove it or choose another name");
            fail("cannot create", s.target);
        }
        published.push_back(s.target);
    }
    for (const Staged& s : staged_) ::unlink(s.temp.c_str());
    staged_.clear();
    fsync_dir(dir_);
}

}  // namespace ccvm::secret
