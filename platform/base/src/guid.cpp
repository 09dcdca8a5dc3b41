#include "ccvm/base/guid.hpp"

#include <cstdint>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm {

Guid Guid::parse(std::string_view text) {
    // 8-4-4-4-12 hex digits
    if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') {
        throw InputError("'" + echo_input(text) + "' is not a GUID (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
    }
    std::string hex;
    for (char c : text)
        if (c != '-') hex.push_back(c);
    Bytes be = from_hex(hex, "GUID '" + std::string(text) + "'");
    Guid g;
    // First three fields are stored little-endian (EFI_GUID / uuid.bytes_le).
    static constexpr int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int i = 0; i < 16; ++i) g.bytes[static_cast<std::size_t>(i)] = be[static_cast<std::size_t>(order[i])];
    return g;
}

Guid Guid::from_bytes(ByteSpan data) {
    if (data.size() != 16) throw InputError("a GUID needs 16 bytes, got " + std::to_string(data.size()));
    Guid g;
    for (std::size_t i = 0; i < 16; ++i) g.bytes[i] = data[i];
    return g;
}

std::string Guid::to_string() const {
    static constexpr int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    std::array<std::byte, 16> be{};
    for (int i = 0; i < 16; ++i) be[static_cast<std::size_t>(i)] = bytes[static_cast<std::size_t>(order[i])];
    std::string hex = to_hex(be);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
           hex.substr(20);
}

}  // namespace ccvm
