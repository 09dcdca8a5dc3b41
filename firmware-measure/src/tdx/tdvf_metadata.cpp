#include "ccvm/firmware-measure/tdx/tdvf_metadata.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/firmware-measure/ovmf_footer.hpp"

namespace ccvm::tdx {
namespace {

// Intel TDVF design guide, TDVF metadata: descriptor and section entry sizes.
constexpr std::size_t kDescriptorSize = 16;
constexpr std::size_t kSectionSize = 32;
constexpr std::uint32_t kTdvfSignature = 0x46564454;  // "TDVF"
// Intel TDVF design guide, TDVF metadata: old TDVF/td-shim keep the metadata offset at N-0x20.
constexpr std::size_t kLegacyOffsetFromEnd = 0x20;

// File offset of the descriptor, from the footer entry or the legacy location, if it holds "TDVF".
std::optional<std::size_t> locate_descriptor(ByteSpan image, std::string_view source) {
    auto offset_to_descriptor = [&](std::uint32_t from_end) -> std::optional<std::size_t> {
        if (from_end == 0 || from_end > image.size() || image.size() - from_end + kDescriptorSize > image.size())
            return std::nullopt;
        std::size_t off = image.size() - from_end;
        if (load_le<std::uint32_t>(image, off, source) != kTdvfSignature) return std::nullopt;
        return off;
    };
    auto table = ovmf::FooterTable::parse(image, source);
    if (const auto* entry = table.find(ovmf::kTdxMetadataGuid)) {
        std::uint32_t from_end =
            load_le<std::uint32_t>(entry->payload, 0, std::string(source) + ": TDX metadata offset entry");
        auto off = offset_to_descriptor(from_end);
        if (!off) {
            throw InputError(std::string(source) + ": TDX metadata offset entry points to " + hex_number(from_end) +
                             " bytes before the end of the " + std::to_string(image.size()) +
                             "-byte image, where there is no TDVF descriptor");
        }
        return off;
    }
    if (image.size() < kLegacyOffsetFromEnd) return std::nullopt;
    return offset_to_descriptor(load_le<std::uint32_t>(image, image.size() - kLegacyOffsetFromEnd, source));
}

void validate_section(const TdvfSection& s, std::size_t index, ByteSpan image, std::string_view source) {
    const std::string where = std::string(source) + ": TDX metadata section " + std::to_string(index) + " (" +
                              std::string(to_string(s.type)) + " at GPA " + hex_number(s.memory_address) + ")";
    switch (s.type) {
        case SectionType::bfv:
        case SectionType::cfv:
            if (s.raw_data_size == 0) throw InputError(where + ": firmware volume with RawDataSize 0");
            break;
        case SectionType::td_hob:
        case SectionType::temp_mem:
            if (s.raw_data_size != 0)
                throw InputError(where + ": RawDataSize must be 0, is " + hex_number(s.raw_data_size));
            break;
    }
    if (s.memory_address % kPageSize != 0 || s.memory_data_size % kPageSize != 0) {
        throw InputError(where + ": MemoryAddress/MemoryDataSize " + hex_number(s.memory_data_size) +
                         " not 4 KiB aligned");
    }
    if (s.memory_data_size == 0) throw InputError(where + ": MemoryDataSize is 0");
    if (s.memory_data_size < s.raw_data_size) {
        throw InputError(where + ": MemoryDataSize " + hex_number(s.memory_data_size) + " smaller than RawDataSize " +
                         hex_number(s.raw_data_size));
    }
    if (s.memory_address + s.memory_data_size < s.memory_address)
        throw InputError(where + ": memory range wraps around");
    if (static_cast<std::uint64_t>(s.data_offset) + s.raw_data_size > image.size()) {
        throw InputError(where + ": raw data [" + hex_number(s.data_offset) + ", +" + hex_number(s.raw_data_size) +
                         ") runs past the end of the " + std::to_string(image.size()) + "-byte image");
    }
    if ((s.attributes & ~(kAttrMrExtend | kAttrPageAug)) != 0) {
        throw InputError(where + ": unknown attribute bits " + hex_number(s.attributes));
    }
}

}  // namespace

std::string_view to_string(SectionType type) noexcept {
    switch (type) {
        case SectionType::bfv:
            return "BFV";
        case SectionType::cfv:
            return "CFV";
        case SectionType::td_hob:
            return "TD_HOB";
        case SectionType::temp_mem:
            return "TempMem";
    }
    return "unknown";
}

const TdvfSection* TdvfMetadata::find(SectionType type) const noexcept {
    for (const TdvfSection& s : sections)
        if (s.type == type) return &s;
    return nullptr;
}

TdvfMetadata parse_tdvf_metadata(ByteSpan image, std::string_view source) {
    auto desc = locate_descriptor(image, source);
    if (!desc) {
        throw InputError(std::string(source) + ": no TDX metadata (no TdxMetadataOffset GUID " +
                         ovmf::kTdxMetadataGuid.to_string() + " in the OVMF footer table): not a TDVF image");
    }
    const std::string what = std::string(source) + ": TDVF descriptor at " + hex_number(*desc);
    TdvfMetadata md;
    md.descriptor_offset = *desc;
    const std::uint32_t length = load_le<std::uint32_t>(image, *desc + 4, what);
    md.version = load_le<std::uint32_t>(image, *desc + 8, what);
    const std::uint32_t count = load_le<std::uint32_t>(image, *desc + 12, what);
    if (md.version != 1)
        throw InputError(what + ": unsupported version " + std::to_string(md.version) + " (expected 1)");
    if (count < 2) throw InputError(what + ": " + std::to_string(count) + " sections (at least 2 required)");
    if (static_cast<std::uint64_t>(length) != kDescriptorSize + kSectionSize * static_cast<std::uint64_t>(count)) {
        throw InputError(what + ": Length " + std::to_string(length) + " does not match " + std::to_string(count) +
                         " sections");
    }
    checked_subspan(image, *desc, length, what);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::size_t off = *desc + kDescriptorSize + i * kSectionSize;
        TdvfSection s;
        s.data_offset = load_le<std::uint32_t>(image, off, what);
        s.raw_data_size = load_le<std::uint32_t>(image, off + 4, what);
        s.memory_address = load_le<std::uint64_t>(image, off + 8, what);
        s.memory_data_size = load_le<std::uint64_t>(image, off + 16, what);
        const std::uint32_t type = load_le<std::uint32_t>(image, off + 24, what);
        s.attributes = load_le<std::uint32_t>(image, off + 28, what);
        if (type > static_cast<std::uint32_t>(SectionType::temp_mem)) {
            throw InputError(std::string(source) + ": TDX metadata section " + std::to_string(i) + " has type " +
                             std::to_string(type) + " (QEMU accepts BFV, CFV, TD_HOB, TempMem)");
        }
        s.type = static_cast<SectionType>(type);
        validate_section(s, i, image, source);
        md.sections.push_back(s);
    }
    // Two sections backing the same guest page would be added twice: TDH.MEM.PAGE.ADD fails.
    std::vector<std::size_t> order(md.sections.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return md.sections[a].memory_address < md.sections[b].memory_address;
    });
    for (std::size_t k = 1; k < order.size(); ++k) {
        const TdvfSection& prev = md.sections[order[k - 1]];
        const TdvfSection& cur = md.sections[order[k]];
        if (prev.memory_address + prev.memory_data_size > cur.memory_address) {
            throw InputError(std::string(source) + ": TDX metadata sections " + std::to_string(order[k - 1]) + " and " +
                             std::to_string(order[k]) + " overlap at GPA " + hex_number(cur.memory_address));
        }
    }
    return md;
}

}  // namespace ccvm::tdx
