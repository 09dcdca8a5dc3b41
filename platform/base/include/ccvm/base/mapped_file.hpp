// Read-only memory-mapped input file (firmware, kernel, initrd): no copy, bounds known.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm {

class MappedFile {
public:
    // Throws InputError naming the path when it cannot be opened, is not a regular file, or mapped.
    explicit MappedFile(const std::filesystem::path& path);
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    ByteSpan bytes() const noexcept { return {static_cast<const std::byte*>(addr_), size_}; }
    std::size_t size() const noexcept { return size_; }
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
    void* addr_ = nullptr;
    std::size_t size_ = 0;
};

// Reads a whole (small) file; throws InputError naming the path.
Bytes read_file(const std::filesystem::path& path);
std::string read_text_file(const std::filesystem::path& path);

// A blob given on the command line the way libvirt and sevctl users pass certificates: the
// contents of an existing file, otherwise base64 text. InputError naming `what` when it is neither.
Bytes read_file_or_base64(std::string_view file_or_base64, std::string_view what);

}  // namespace ccvm
