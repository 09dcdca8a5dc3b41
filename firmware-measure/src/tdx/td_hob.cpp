#include "ccvm/firmware-measure/tdx/td_hob.hpp"

#include <algorithm>
#include <cstdio>

#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/firmware-measure/tdx/q35_memory.hpp"

namespace ccvm::tdx {
namespace {

// QEMU hw/i386/tdvf-hob.c: HOB types, lengths and the PHIT version (PI spec EFI_HOB_HANDOFF_INFO_TABLE).
constexpr std::uint16_t kHobTypeHandoff = 0x0001;
constexpr std::uint16_t kHobTypeResourceDescriptor = 0x0003;
constexpr std::uint16_t kPhitLength = 56;
constexpr std::uint16_t kResourceLength = 48;
constexpr std::uint16_t kEndHobLength = 8;
constexpr std::uint32_t kPhitVersion = 9;

void append_header(Bytes& out, std::uint16_t type, std::uint16_t length) {
    append_le<std::uint16_t>(out, type);
    append_le<std::uint16_t>(out, length);
    append_le<std::uint32_t>(out, 0);
}

}  // namespace

std::vector<RamRange> td_ram_ranges(const TdvfMetadata& metadata, std::uint64_t memory) {
    const Q35MemoryMap map = q35_memory_map(memory);
    std::vector<RamRange> ranges;
    if (map.below_4g > 0) ranges.push_back({0, map.below_4g, false});
    if (map.above_4g > 0) ranges.push_back({kFourGiB, map.above_4g, false});
    // QEMU tdx_accept_ram_range: split the containing unaccepted range around the section.
    for (std::size_t i = 0; i < metadata.sections.size(); ++i) {
        const TdvfSection& s = metadata.sections[i];
        if (s.type != SectionType::td_hob && s.type != SectionType::temp_mem) continue;
        const std::uint64_t start = s.memory_address;
        const std::uint64_t end = start + s.memory_data_size;
        auto it = std::find_if(ranges.begin(), ranges.end(), [&](const RamRange& r) {
            return !r.accepted && r.start <= start && end <= r.start + r.length;
        });
        if (it == ranges.end()) {
            throw InputError("TDX metadata section " + std::to_string(i) + " (" + std::string(to_string(s.type)) +
                             " [" + hex_number(start) + ", " + hex_number(end) + ")) is not inside guest RAM of " +
                             hex_number(memory) + " bytes (or overlaps another section)");
        }
        const RamRange whole = *it;
        std::vector<RamRange> parts;
        if (whole.start < start) parts.push_back({whole.start, start - whole.start, false});
        parts.push_back({start, s.memory_data_size, true});
        if (end < whole.start + whole.length) parts.push_back({end, whole.start + whole.length - end, false});
        it = ranges.erase(it);
        ranges.insert(it, parts.begin(), parts.end());
    }
    std::sort(ranges.begin(), ranges.end(), [](const RamRange& a, const RamRange& b) { return a.start < b.start; });
    return ranges;
}

Bytes build_td_hob(const TdvfMetadata& metadata, std::uint64_t memory) {
    const TdvfSection* hob = metadata.find(SectionType::td_hob);
    if (hob == nullptr) throw InputError("TDX metadata has no TD_HOB section: cannot build the TD HOB");
    const std::vector<RamRange> ranges = td_ram_ranges(metadata, memory);
    const std::uint64_t size = kPhitLength + ranges.size() * kResourceLength;
    if (size + kEndHobLength > hob->memory_data_size) {
        throw InputError("TD HOB of " + std::to_string(size) + " bytes does not fit the " +
                         hex_number(hob->memory_data_size) + "-byte TD_HOB section");
    }
    Bytes out;
    out.reserve(size);
    append_header(out, kHobTypeHandoff, kPhitLength);
    append_le<std::uint32_t>(out, kPhitVersion);
    append_le<std::uint32_t>(out, 0);                                           // BootMode
    for (int i = 0; i < 4; ++i) append_le<std::uint64_t>(out, 0);               // memory top/bottom, free top/bottom
    append_le<std::uint64_t>(out, hob->memory_address + size + kEndHobLength);  // EfiEndOfHobList
    for (const RamRange& r : ranges) {
        append_header(out, kHobTypeResourceDescriptor, kResourceLength);
        out.insert(out.end(), 16, std::byte{0});  // owner GUID
        append_le<std::uint32_t>(out, r.accepted ? kResourceSystemMemory : kResourceMemoryUnaccepted);
        append_le<std::uint32_t>(out, kResourceAttributes);
        append_le<std::uint64_t>(out, r.start);
        append_le<std::uint64_t>(out, r.length);
    }
    return out;
}

}  // namespace ccvm::tdx
