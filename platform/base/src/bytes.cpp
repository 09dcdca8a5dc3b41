#include "ccvm/base/bytes.hpp"

#include <algorithm>
#include <cstdint>

#include "ccvm/base/error.hpp"

namespace ccvm {

ByteSpan checked_subspan(ByteSpan data, std::size_t offset, std::size_t len, std::string_view what) {
    if (offset > data.size() || len > data.size() - offset) {
        throw InputError(std::string(what) + ": " + std::to_string(len) + " bytes at offset " + std::to_string(offset) +
                         " run past the end of the " + std::to_string(data.size()) + "-byte input");
    }
    return data.subspan(offset, len);
}

template <typename T>
T load_le(ByteSpan data, std::size_t offset, std::string_view what) {
    ByteSpan field = checked_subspan(data, offset, sizeof(T), what);
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        value |= static_cast<T>(std::to_integer<std::uint8_t>(field[i])) << (8 * i);
    return value;
}

template <typename T>
void store_le(MutableByteSpan data, std::size_t offset, T value) {
    if (offset > data.size() || sizeof(T) > data.size() - offset) {
        throw InputError("internal: store of " + std::to_string(sizeof(T)) + " bytes at offset " +
                         std::to_string(offset) + " past a " + std::to_string(data.size()) + "-byte buffer");
    }
    for (std::size_t i = 0; i < sizeof(T); ++i)
        data[offset + i] = std::byte(static_cast<std::uint8_t>(value >> (8 * i)));
}

template std::uint8_t load_le<std::uint8_t>(ByteSpan, std::size_t, std::string_view);
template std::uint16_t load_le<std::uint16_t>(ByteSpan, std::size_t, std::string_view);
template std::uint32_t load_le<std::uint32_t>(ByteSpan, std::size_t, std::string_view);
template std::uint64_t load_le<std::uint64_t>(ByteSpan, std::size_t, std::string_view);
template void store_le<std::uint8_t>(MutableByteSpan, std::size_t, std::uint8_t);
template void store_le<std::uint16_t>(MutableByteSpan, std::size_t, std::uint16_t);
template void store_le<std::uint32_t>(MutableByteSpan, std::size_t, std::uint32_t);
template void store_le<std::uint64_t>(MutableByteSpan, std::size_t, std::uint64_t);

bool is_all_zero(ByteSpan data) noexcept {
    return std::all_of(data.begin(), data.end(), [](std::byte b) { return b == std::byte{0}; });
}

}  // namespace ccvm
