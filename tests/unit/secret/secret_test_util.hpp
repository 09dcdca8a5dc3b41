// Small helpers for the launch-secret tests: files with a given mode (TempDir: support/temp_dir.hpp),
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
#include "support/temp_dir.hpp"

namespace ccvm::test {

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
