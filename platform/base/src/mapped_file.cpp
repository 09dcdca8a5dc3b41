#include "ccvm/base/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/unique_fd.hpp"

namespace ccvm {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
    throw InputError("cannot read '" + path.string() + "': " + what);
}

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) : path_(path) {
    const UniqueFd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!f.valid()) fail(path, std::strerror(errno));
    struct stat st {};
    if (::fstat(f.get(), &st) != 0) fail(path, std::strerror(errno));
    if (!S_ISREG(st.st_mode)) fail(path, "not a regular file");
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ == 0) return;
    addr_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, f.get(), 0);
    if (addr_ == MAP_FAILED) {
        addr_ = nullptr;
        size_ = 0;
        fail(path, std::strerror(errno));
    }
}

MappedFile::~MappedFile() {
    if (addr_ != nullptr) ::munmap(addr_, size_);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)), addr_(std::exchange(other.addr_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        if (addr_ != nullptr) ::munmap(addr_, size_);
        path_ = std::move(other.path_);
        addr_ = std::exchange(other.addr_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

Bytes read_file(const std::filesystem::path& path) {
    MappedFile f(path);
    return Bytes(f.bytes().begin(), f.bytes().end());
}

std::string read_text_file(const std::filesystem::path& path) {
    MappedFile f(path);
    return std::string(as_chars(f.bytes()));
}

Bytes read_file_or_base64(std::string_view file_or_base64, std::string_view what) {
    const std::filesystem::path path{std::string(file_or_base64)};
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return read_file(path);
    try {
        return from_base64(file_or_base64, what);
    } catch (const InputError&) {
        throw InputError(std::string(what) + " '" + std::string(file_or_base64.substr(0, 64)) +
                         "': neither an existing file nor base64");
    }
}

}  // namespace ccvm
