// Byte buffers and little-endian field access with bounds checks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ccvm {

using Bytes = std::vector<std::byte>;
using ByteSpan = std::span<const std::byte>;
using MutableByteSpan = std::span<std::byte>;

inline ByteSpan as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteSpan b) noexcept { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Reads a little-endian unsigned integer of sizeof(T) bytes at `offset`; throws InputError naming
// `what` when the field runs past the buffer.
template <typename T>
T load_le(ByteSpan data, std::size_t offset, std::string_view what = "buffer");

template <typename T>
void store_le(MutableByteSpan data, std::size_t offset, T value);

// Appends a little-endian integer.
template <typename T>
void append_le(Bytes& out, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(std::byte(static_cast<std::uint8_t>(value >> (8 * i))));
}

inline void append(Bytes& out, ByteSpan data) { out.insert(out.end(), data.begin(), data.end()); }

// Returns data[offset, offset+len) or throws InputError naming `what`.
ByteSpan checked_subspan(ByteSpan data, std::size_t offset, std::size_t len, std::string_view what);

bool is_all_zero(ByteSpan data) noexcept;

}  // namespace ccvm
