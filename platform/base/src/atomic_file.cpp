#include "ccvm/base/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "ccvm/base/system_error.hpp"

namespace ccvm {
namespace {

constexpr std::string_view kTempSuffix = ".tmp";

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
    throw_errno(what + " " + path.string());
}

std::string random_tag() {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::random_device random;
    std::string tag(8, '0');
    for (char& c : tag) c = kDigits[random() & 0xf];
    return tag;
}

// The temporary's name is unpredictable and created with O_EXCL, so that two writers of one target
// never share a temporary and no one can plant a file or symlink under that name.
std::filesystem::path create_temp(const std::filesystem::path& target, mode_t mode, UniqueFd& fd) {
    constexpr int kAttempts = 16;
    for (int i = 0;; ++i) {
        // Appended piece by piece: for `"." + string + ".tmp"` GCC 12 at -O3 reports a false
        // -Wrestrict inside libstdc++'s inlined std::string copy.
        std::string name = ".";
        name += target.filename().string();
        name += '.';
        name += random_tag();
        name += kTempSuffix;
        std::filesystem::path temp = target.parent_path() / name;
        fd.reset(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
        if (fd.valid()) return temp;
        if (errno != EEXIST || i + 1 == kAttempts) fail("cannot create", temp);
    }
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target, mode_t mode) : target_(std::move(target)) {
    temp_ = create_temp(target_, mode, fd_);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target_(std::move(other.target_)), temp_(std::exchange(other.temp_, {})), fd_(std::move(other.fd_)) {}

AtomicFile::~AtomicFile() {
    fd_.reset();
    if (!temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFile::write(ByteSpan data) {
    if (!fd_.valid()) throw SystemError("internal: write to " + target_.string() + " after it was synced");
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd_.get(), data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("cannot write", temp_);
        done += static_cast<std::size_t>(n);
    }
}

void AtomicFile::sync() {
    if (!fd_.valid()) return;
    if (::fsync(fd_.get()) != 0) fail("cannot fsync", temp_);
    if (fd_.close() != 0) fail("cannot close", temp_);
}

void AtomicFile::replace() {
    sync();
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("cannot rename into", target_);
    temp_.clear();
    fsync_directory(target_.parent_path());
}

void AtomicFile::publish_new() {
    sync();
    // link() never replaces an existing file, unlike rename().
    if (::link(temp_.c_str(), target_.c_str()) != 0) {
        if (errno == EEXIST)
            throw InputError("'" + target_.string() + "' already exists; remove it or choose another name");
        fail("cannot create", target_);
    }
    ::unlink(temp_.c_str());
    temp_.clear();
}

AtomicFileSet::AtomicFileSet(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir_, ec))
        throw InputError("output directory '" + dir_.string() + "' does not exist");
}

void AtomicFileSet::stage(const std::string& name, ByteSpan data, mode_t mode) {
    const std::filesystem::path target = dir_ / name;
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(target, ec)))
        throw InputError("'" + target.string() + "' already exists; remove it or choose another name");
    AtomicFile& file = staged_.emplace_back(target, mode);
    file.write(data);
    file.sync();
}

void AtomicFileSet::commit() {
    std::vector<std::filesystem::path> published;
    try {
        for (AtomicFile& file : staged_) {
            file.publish_new();
            published.push_back(file.target());
        }
    } catch (...) {
        for (const std::filesystem::path& p : published) ::unlink(p.c_str());
        throw;
    }
    staged_.clear();
    fsync_directory(dir_);
}

void write_file_atomic(const std::filesystem::path& path, ByteSpan data, mode_t mode) {
    AtomicFile file(path, mode);
    file.write(data);
    file.replace();
}

void write_file_atomic(const std::filesystem::path& path, std::string_view text, mode_t mode) {
    write_file_atomic(path, as_bytes(text), mode);
}

void copy_file_atomic(int source_fd, const std::filesystem::path& path, mode_t mode, std::uint64_t max_bytes,
                      std::string_view what) {
    AtomicFile file(path, mode);
    std::vector<std::byte> buf(1 << 20);
    std::uint64_t offset = 0;
    for (;;) {
        // pread from 0: the whole file, wherever the descriptor's shared offset stands.
        const ssize_t n = ::pread(source_fd, buf.data(), buf.size(), static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot read the source of " + path.string());
        if (n == 0) break;
        offset += static_cast<std::uint64_t>(n);
        if (offset > max_bytes)
            throw InputError(std::string(what) + ": more than the " + std::to_string(max_bytes) +
                             "-byte limit for one input file");
        file.write(ByteSpan(buf.data(), static_cast<std::size_t>(n)));
    }
    file.replace();
}

void fsync_directory(const std::filesystem::path& dir) {
    const std::filesystem::path d = dir.empty() ? std::filesystem::path(".") : dir;
    UniqueFd fd(::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) fail("cannot open directory", d);
    if (::fsync(fd.get()) != 0) fail("cannot fsync directory", d);
}

bool is_atomic_temp_name(std::string_view file_name) noexcept {
    return file_name.size() > 1 + kTempSuffix.size() && file_name.starts_with('.') && file_name.ends_with(kTempSuffix);
}

}  // namespace ccvm
