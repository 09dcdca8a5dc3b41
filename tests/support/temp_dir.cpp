#include "support/temp_dir.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

namespace ccvm::test {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ccvm-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp " + tmpl + " failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, std::string_view content, mode_t mode) const {
    return write(name, as_bytes(content), mode);
}

std::filesystem::path TempDir::write(const std::string& name, ByteSpan content, mode_t mode) const {
    const std::filesystem::path p = path_ / name;
    {
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(content.size()));
        if (!out) throw std::runtime_error("cannot write " + p.string());
    }
    if (::chmod(p.c_str(), mode) != 0) throw std::runtime_error("cannot chmod " + p.string());
    return p;
}

}  // namespace ccvm::test
