// Helpers shared by the platform tests: temp files, schema validation, example specs.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/schema.hpp"

namespace ccvm::test {

// A private temporary directory removed with everything in it at scope exit.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const noexcept { return path_; }
    std::filesystem::path write(const std::string& name, const std::string& content, unsigned mode = 0600) const;

private:
    std::filesystem::path path_;
};

std::vector<std::filesystem::path> example_specs();  // configs/examples/*.yaml, sorted

inline TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ccvm-platform-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

inline TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

inline std::filesystem::path TempDir::write(const std::string& name, const std::string& content, unsigned mode) const {
    auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    ::chmod(p.c_str(), mode);
    return p;
}

inline std::vector<std::filesystem::path> example_specs() {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(source_dir() / "configs" / "examples"))
        if (e.path().extension() == ".yaml") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace ccvm::test
