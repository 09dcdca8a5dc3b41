// EFI GUIDs: text form <-> the 16-byte bytes_le encoding (first three fields little-endian).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm {

struct Guid {
    std::array<std::byte, 16> bytes{};  // EFI / uuid.bytes_le order, as stored in firmware and tables

    // Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"; throws InputError naming the text.
    static Guid parse(std::string_view text);
    static Guid from_bytes(ByteSpan data);  // exactly 16 bytes
    std::string to_string() const;          // lowercase canonical form
    bool operator==(const Guid&) const = default;
};

}  // namespace ccvm
