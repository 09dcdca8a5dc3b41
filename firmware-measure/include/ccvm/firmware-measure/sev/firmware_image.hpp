// An OVMF (or Coconut-SVSM) image as the SEV family sees it: load GPA, footer table entries and
// SEV metadata (edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm; edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/ovmf_footer.hpp"
#include "ccvm/firmware-measure/sev/sev_metadata.hpp"

namespace ccvm::sev {

// edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm: the firmware image ends at 4 GiB.
inline constexpr std::uint64_t kFourGiB = 0x1'0000'0000ULL;

class FirmwareImage {
public:
    // Parses footer and metadata of `image` (kept as a view: the caller owns the bytes). The image is
    // mapped so that it ends at `end_gpa`.
    static FirmwareImage parse(ByteSpan image, std::string source = "firmware", std::uint64_t end_gpa = kFourGiB);

    ByteSpan data() const noexcept { return data_; }
    const std::string& source() const noexcept { return source_; }
    std::uint64_t gpa() const noexcept { return gpa_; }
    const ovmf::FooterTable& footer() const noexcept { return footer_; }
    const std::vector<MetadataSection>& metadata() const noexcept { return metadata_; }
    bool has_section(SectionType type) const noexcept;

    // u32 AP reset EIP of the SEV-ES reset block, absent without that footer entry.
    std::optional<std::uint32_t> sev_es_reset_eip() const;
    // Same, but an InputError that says what to do when the entry is missing.
    std::uint32_t require_sev_es_reset_eip() const;
    // u32 base of the kernel-hashes table entry, absent without that entry.
    std::optional<std::uint32_t> hashes_table_gpa() const;
    // edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm: base 0 (generic OVMF builds) means "not supported".
    bool supports_kernel_hashes() const;
    // u32 SVSM entry offset relative to gpa() (Coconut-SVSM images only).
    std::optional<std::uint32_t> svsm_info_offset() const;

    // Throws InputError unless the length is a non-zero multiple of 4096 (SNP measures whole pages).
    void require_page_aligned() const;

private:
    ByteSpan data_;
    std::string source_;
    std::uint64_t gpa_ = 0;
    ovmf::FooterTable footer_;
    std::vector<MetadataSection> metadata_;
};

}  // namespace ccvm::sev
