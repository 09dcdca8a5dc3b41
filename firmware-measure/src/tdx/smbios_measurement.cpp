#include "ccvm/firmware-measure/tdx/smbios_measurement.hpp"

#include <algorithm>
#include <cstdint>
#include <span>

#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"

namespace ccvm::tdx {
namespace {

// SMBIOS 3.x §6.1.2: Type (1), Length (1), Handle (2).
constexpr std::size_t kHeaderSize = 4;
constexpr std::uint8_t kEndOfTable = 127;
constexpr std::uint8_t kOemBegin = 128;  // SMBIOS_OEM_BEGIN: OEM types are zeroed after the header

struct FieldFilter {
    std::size_t offset;
    std::size_t size;
    bool is_string;
};

struct TypeFilter {
    std::uint8_t type;
    std::span<const FieldFilter> fields;  // empty: every byte after the header is zeroed
};

// SmbiosMeasurementDxe.c mSmbiosFilterType*BlackList (offsets of the SMBIOS_TABLE_TYPE* fields).
constexpr FieldFilter kType1[] = {
    {0x07, 1, true}, {0x08, 16, false}, {0x18, 1, false}};            // SerialNumber, Uuid, WakeUpType
constexpr FieldFilter kType2[] = {{0x07, 1, true}, {0x0A, 1, true}};  // SerialNumber, LocationInChassis
constexpr FieldFilter kType3[] = {{0x07, 1, true}, {0x08, 1, true}};  // SerialNumber, AssetTag
constexpr FieldFilter kType4[] = {
    {0x20, 1, true},  {0x21, 1, true},  {0x22, 1, true},   // SerialNumber, AssetTag, PartNumber
    {0x23, 1, false}, {0x24, 1, false}, {0x25, 1, false},  // CoreCount, EnabledCoreCount, ThreadCount
    {0x2A, 2, false}, {0x2C, 2, false}, {0x2E, 2, false},  // CoreCount2, EnabledCoreCount2, ThreadCount2
    {0x11, 1, false}, {0x16, 2, false},                    // Voltage, CurrentSpeed
};
constexpr FieldFilter kType17[] = {
    {0x18, 1, true}, {0x19, 1, true}, {0x1A, 1, true}};  // SerialNumber, AssetTag, PartNumber
constexpr FieldFilter kType22[] = {
    {0x07, 1, true}, {0x10, 2, false}, {0x12, 2, false}};  // SerialNumber, SBDS serial, SBDS date
constexpr FieldFilter kType23[] = {{0x05, 2, false}};      // ResetCount
constexpr FieldFilter kType27[] = {{0x0C, 2, false}};      // NominalSpeed
constexpr FieldFilter kType39[] = {
    {0x08, 1, true}, {0x09, 1, true}, {0x0A, 1, true}};  // SerialNumber, AssetTagNumber, ModelPartNumber

// SmbiosMeasurementDxe.c mSmbiosFilterStandardTableBlackList.
constexpr TypeFilter kFilters[] = {
    {0x01, kType1}, {0x02, kType2},  {0x03, kType3},  {0x04, kType4},  {0x0B, {}}, {0x0F, {}}, {0x11, kType17},
    {0x12, {}},     {0x16, kType22}, {0x17, kType23}, {0x1B, kType27}, {0x1F, {}}, {0x21, {}}, {0x27, kType39},
};

std::string where(std::string_view source, std::size_t off) {
    return std::string(source) + ": SMBIOS structure at " + hex_number(off);
}

std::uint8_t at(ByteSpan t, std::size_t i, std::string_view source, std::size_t start) {
    if (i >= t.size())
        throw InputError(where(source, start) + " runs past the end of the table (no double-NUL string terminator)");
    return std::to_integer<std::uint8_t>(t[i]);
}

// GetSmbiosStructureSize: formatted area, then strings up to and including the double NUL.
std::size_t structure_size(ByteSpan t, std::size_t start, std::string_view source) {
    const std::uint8_t length = at(t, start + 1, source, start);
    if (length < kHeaderSize)
        throw InputError(where(source, start) + " has Length " + std::to_string(length) + " (< 4)");
    std::size_t i = start + length;
    while (at(t, i, source, start) != 0 || at(t, i + 1, source, start) != 0) ++i;
    return i + 2 - start;
}

// GetSmbiosStringById: the id-th string; past the last string edk2 stops at the last one.
std::pair<std::size_t, std::size_t> string_by_id(ByteSpan s, std::uint8_t id, std::string_view source,
                                                 std::size_t start) {
    std::size_t i = std::to_integer<std::uint8_t>(s[1]);
    std::size_t found = 0, len = 0, count = 0;
    bool any = false;
    while (s[i] != std::byte{0} || s[i + 1] != std::byte{0}) {
        if (s[i] == std::byte{0}) ++i;
        found = i;
        any = true;
        for (len = 0; s[i + len] != std::byte{0}; ++len) {}
        i += len;
        if (++count == id) break;
    }
    if (!any)
        throw InputError(where(source, start) + " refers to string " + std::to_string(id) + " but has no strings");
    return {found, len};
}

void filter_structure(std::span<std::byte> s, std::string_view source, std::size_t start) {
    const std::uint8_t type = std::to_integer<std::uint8_t>(s[0]);
    const std::uint8_t length = std::to_integer<std::uint8_t>(s[1]);
    const TypeFilter* filter = nullptr;
    for (const TypeFilter& f : kFilters)
        if (f.type == type) filter = &f;
    if (type >= kOemBegin || (filter != nullptr && filter->fields.empty())) {
        std::fill(s.begin() + kHeaderSize, s.end(), std::byte{0});
        return;
    }
    if (filter == nullptr) return;
    for (const FieldFilter& f : filter->fields) {
        if (length < f.offset + f.size) continue;  // field not present in this structure version
        if (f.is_string) {
            const std::uint8_t id = std::to_integer<std::uint8_t>(s[f.offset]);
            if (id != 0) {
                const auto [pos, len] = string_by_id(s, id, source, start);
                std::fill_n(s.begin() + static_cast<std::ptrdiff_t>(pos), len, std::byte{' '});
            }
        }
        std::fill_n(s.begin() + static_cast<std::ptrdiff_t>(f.offset), f.size, std::byte{0});
    }
}

}  // namespace

Bytes smbios_measured_table(ByteSpan table, std::string_view source) {
    // GetSmbiosTableLength: structures up to and including type 127, or to the end of the table.
    std::vector<std::pair<std::size_t, std::size_t>> structures;
    std::size_t off = 0;
    while (off < table.size()) {
        const std::size_t size = structure_size(table, off, source);
        structures.emplace_back(off, size);
        const bool end = std::to_integer<std::uint8_t>(table[off]) == kEndOfTable;
        off += size;
        if (end) break;
    }
    if (structures.empty()) throw InputError(std::string(source) + ": empty SMBIOS table");
    Bytes out(table.begin(), table.begin() + static_cast<std::ptrdiff_t>(off));
    for (const auto& [start, size] : structures)
        filter_structure(std::span<std::byte>(out).subspan(start, size), source, start);
    return out;
}

}  // namespace ccvm::tdx
