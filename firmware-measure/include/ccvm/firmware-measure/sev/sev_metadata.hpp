// SEV metadata ("ASEV") sections of an OVMF or SVSM image (edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/ovmf_footer.hpp"

namespace ccvm::sev {

// edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm.
enum class SectionType : std::uint32_t {
    snp_sec_mem = 1,
    snp_secrets = 2,
    cpuid = 3,
    svsm_caa = 4,
    snp_kernel_hashes = 0x10,
};

std::string_view to_string(SectionType type) noexcept;  // "SNP_SEC_MEM", ...

struct MetadataSection {
    std::uint32_t gpa = 0;
    std::uint32_t size = 0;
    SectionType type = SectionType::snp_sec_mem;
    bool operator==(const MetadataSection&) const = default;
};

// edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm: header "ASEV" ‖ u32 len ‖ u32 version ‖ u32 num_items, then 12-byte
// items.
inline constexpr std::uint32_t kMetadataVersion = 1;
inline constexpr std::size_t kMetadataHeaderSize = 16;
inline constexpr std::size_t kMetadataItemSize = 12;

// Sections of `image` in table order; empty when the footer has no SEV metadata entry. A bad
// signature, version, length or section type is an InputError naming `source`, offset and index.
std::vector<MetadataSection> parse_sev_metadata(ByteSpan image, const ovmf::FooterTable& footer,
                                                std::string_view source = "firmware");

}  // namespace ccvm::sev
