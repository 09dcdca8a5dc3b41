#include "ccvm/kbs/base64url.hpp"

#include <array>
#include <cstdint>

#include "ccvm/base/error.hpp"

namespace ccvm::kbs {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

}  // namespace

std::string base64url_encode(ByteSpan data) {
    std::string out;
    out.reserve((data.size() * 4 + 2) / 3);
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::byte b : data) {
        acc = (acc << 8) | std::to_integer<std::uint32_t>(b);
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
        }
    }
    if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
    return out;
}

Bytes base64url_decode(std::string_view text, std::string_view what) {
    // A length of 1 mod 4 cannot come from any byte string (RFC 4648 section 5 without padding).
    if (text.size() % 4 == 1) throw InputError(std::string(what) + ": not base64url (bad length)");
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = sextet(c);
        if (v < 0) throw InputError(std::string(what) + ": not base64url (character '" + std::string(1, c) + "')");
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(std::byte((acc >> bits) & 0xff));
        }
    }
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        throw InputError(std::string(what) + ": not base64url (non-zero trailing bits)");
    return out;
}

}  // namespace ccvm::kbs
