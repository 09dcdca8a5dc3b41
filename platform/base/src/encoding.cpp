#include "ccvm/base/encoding.hpp"

#include <array>
#include <cstdint>

#include "ccvm/base/error.hpp"

namespace ccvm {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int b64_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

std::string to_hex(ByteSpan data) {
    std::string out;
    out.reserve(data.size() * 2);
    for (std::byte b : data) {
        auto v = std::to_integer<unsigned>(b);
        out.push_back(kHexDigits[v >> 4]);
        out.push_back(kHexDigits[v & 0xF]);
    }
    return out;
}

Bytes from_hex(std::string_view hex, std::string_view what) {
    if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
    if (hex.size() % 2 != 0) {
        throw InputError(std::string(what) + ": hex string has an odd number of digits (" + std::to_string(hex.size()) +
                         ")");
    }
    Bytes out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        int hi = hex_value(hex[2 * i]);
        int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            throw InputError(std::string(what) + ": invalid hex digit at position " +
                             std::to_string(2 * i + (hi < 0 ? 0 : 1)));
        }
        out[i] = std::byte(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return out;
}

std::string to_base64(ByteSpan data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        std::uint32_t v = std::to_integer<std::uint32_t>(data[i]) << 16 |
                          std::to_integer<std::uint32_t>(data[i + 1]) << 8 |
                          std::to_integer<std::uint32_t>(data[i + 2]);
        out.push_back(kB64[v >> 18 & 63]);
        out.push_back(kB64[v >> 12 & 63]);
        out.push_back(kB64[v >> 6 & 63]);
        out.push_back(kB64[v & 63]);
    }
    std::size_t rest = data.size() - i;
    if (rest > 0) {
        std::uint32_t v = std::to_integer<std::uint32_t>(data[i]) << 16;
        if (rest == 2) v |= std::to_integer<std::uint32_t>(data[i + 1]) << 8;
        out.push_back(kB64[v >> 18 & 63]);
        out.push_back(kB64[v >> 12 & 63]);
        out.push_back(rest == 2 ? kB64[v >> 6 & 63] : '=');
        out.push_back('=');
    }
    return out;
}

Bytes from_base64(std::string_view text, std::string_view what) {
    Bytes out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t pad = 0;
    std::size_t symbols = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == '=') {
            ++pad;
            ++symbols;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || pad > 0) {
            throw InputError(std::string(what) + ": invalid base64 character at position " + std::to_string(i));
        }
        ++symbols;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(std::byte(static_cast<std::uint8_t>(acc >> bits)));
        }
    }
    if (symbols % 4 != 0 || pad > 2) {
        throw InputError(std::string(what) + ": base64 length is not a multiple of 4 (missing padding?)");
    }
    return out;
}

}  // namespace ccvm
