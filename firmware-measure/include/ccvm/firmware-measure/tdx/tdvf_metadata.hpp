// TDVF metadata (Intel TDVF design guide, TDVF metadata): the section table that tells the VMM which firmware ranges to
// TDH.MEM.PAGE.ADD and TDH.MR.EXTEND, found through the OVMF footer table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/guid.hpp"

namespace ccvm::tdx {

// Intel TDVF design guide, TDVF metadata: GUID stored in the 16 bytes before the descriptor (checked by td-shim only).
inline const Guid kTdvfMetadataGuid = Guid::parse("e9eaf9f3-168e-44d5-a8eb-7f4d8738f6ae");

// Intel TDVF design guide, TDVF metadata: section types accepted by upstream QEMU.
enum class SectionType : std::uint32_t { bfv = 0, cfv = 1, td_hob = 2, temp_mem = 3 };

// Intel TDVF design guide, TDVF metadata: Attributes bits.
inline constexpr std::uint32_t kAttrMrExtend = 1u << 0;
inline constexpr std::uint32_t kAttrPageAug = 1u << 1;

inline constexpr std::uint64_t kPageSize = 4096;

std::string_view to_string(SectionType type) noexcept;

struct TdvfSection {
    std::uint32_t data_offset = 0;
    std::uint32_t raw_data_size = 0;
    std::uint64_t memory_address = 0;
    std::uint64_t memory_data_size = 0;
    SectionType type = SectionType::bfv;
    std::uint32_t attributes = 0;

    bool mr_extend() const noexcept { return (attributes & kAttrMrExtend) != 0; }
    bool page_aug() const noexcept { return (attributes & kAttrPageAug) != 0; }
    std::uint64_t pages() const noexcept { return memory_data_size / kPageSize; }
};

struct TdvfMetadata {
    std::size_t descriptor_offset = 0;  // file offset of the "TDVF" descriptor
    std::uint32_t version = 0;
    std::vector<TdvfSection> sections;  // metadata order (= measurement order)

    // The first section of `type`, or nullptr.
    const TdvfSection* find(SectionType type) const noexcept;
};

// Parses and validates the metadata as upstream QEMU does, plus overlap checks. Throws InputError
// naming `source` (and the section index / offset) when the image has no TDX metadata, offsets
// run outside the image, or sections are malformed, unaligned or overlapping.
TdvfMetadata parse_tdvf_metadata(ByteSpan image, std::string_view source = "firmware");

}  // namespace ccvm::tdx
