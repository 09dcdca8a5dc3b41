// The one temporary directory of the tests: private (mode 0700), removed with everything in it at
// scope exit.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
    // Creates or replaces `name` (relative to the directory) holding `content`, with permissions `mode`.
    std::filesystem::path write(const std::string& name, std::string_view content, mode_t mode = 0600) const;
    std::filesystem::path write(const std::string& name, ByteSpan content, mode_t mode = 0600) const;

private:
    std::filesystem::path path_;
};

}  // namespace ccvm::test
