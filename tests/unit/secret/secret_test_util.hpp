// Small helpers for the launch-secret tests: private temp directories, files with a given mode,
// and the openssl CLI as an independent reference.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/encoding.hpp"

namespace ccvm::test {

class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ccvm-secret-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

inline std::filesystem::path write_file(const std::filesystem::path& p, ByteSpan data, mode_t mode = 0600) {
    {
        std::ofstream f(p, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    }
    if (::chmod(p.c_str(), mode) != 0) throw std::runtime_error("chmod failed");
    return p;
}

inline Bytes hex(std::string_view h) { return from_hex(h); }

}  // namespace ccvm::test
