// Access to the sample evidence under tests/data (see tests/data/SOURCES.md).
#pragma once

#include <cctype>
#include <filesystem>
#include <string>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "support/paths.hpp"

namespace ccvm::test {

inline std::filesystem::path evidence_data(const std::string& name) { return source_dir() / "tests" / "data" / name; }

inline std::string data_path(const std::string& name) { return evidence_data(name).string(); }

inline Bytes load_evidence(const std::string& name) { return read_file(evidence_data(name)); }

// The virtee sample report is stored as hex text.
inline Bytes load_hex_evidence(const std::string& name) {
    std::string hex;
    for (char c : read_text_file(evidence_data(name)))
        if (!std::isspace(static_cast<unsigned char>(c))) hex += c;
    return from_hex(hex);
}

inline Bytes flipped(Bytes data, std::size_t offset, std::uint8_t mask = 0x01) {
    data.at(offset) ^= std::byte{mask};
    return data;
}

}  // namespace ccvm::test
