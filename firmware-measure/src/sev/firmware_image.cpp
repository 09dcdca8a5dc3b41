#include "ccvm/firmware-measure/sev/firmware_image.hpp"

#include <algorithm>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/sev/sev_hashes.hpp"

namespace ccvm::sev {
namespace {

std::optional<std::uint32_t> entry_u32(const ovmf::FooterTable& footer, const Guid& guid, const std::string& what) {
    const ovmf::FooterEntry* e = footer.find(guid);
    if (e == nullptr) return std::nullopt;
    return load_le<std::uint32_t>(e->payload, 0, what);
}

}  // namespace

FirmwareImage FirmwareImage::parse(ByteSpan image, std::string source, std::uint64_t end_gpa) {
    FirmwareImage fw;
    if (image.size() > end_gpa) {
        throw InputError(source + ": " + std::to_string(image.size()) + "-byte image does not fit below GPA " +
                         std::to_string(end_gpa));
    }
    fw.data_ = image;
    fw.gpa_ = end_gpa - image.size();
    fw.footer_ = ovmf::FooterTable::parse(image, source);
    fw.metadata_ = parse_sev_metadata(image, fw.footer_, source);
    fw.source_ = std::move(source);
    return fw;
}

bool FirmwareImage::has_section(SectionType type) const noexcept {
    return std::any_of(metadata_.begin(), metadata_.end(), [&](const MetadataSection& s) { return s.type == type; });
}

std::optional<std::uint32_t> FirmwareImage::sev_es_reset_eip() const {
    return entry_u32(footer_, ovmf::kSevEsResetBlockGuid, source_ + ": SEV-ES reset block footer entry");
}

std::uint32_t FirmwareImage::require_sev_es_reset_eip() const {
    if (auto eip = sev_es_reset_eip()) return *eip;
    if (!footer_.present()) {
        throw InputError(source_ +
                         ": no OVMF footer table (GUID 96b582de-1fb2-45f7-baea-a366c55a082d 50 bytes "
                         "before the end): not an OVMF image? SEV-ES and SNP need the unified OVMF.fd or "
                         "OVMF_CODE.fd, not OVMF_VARS (Can't find SEV_ES_RESET_BLOCK_GUID)");
    }
    throw InputError(source_ +
                     ": the OVMF footer table has no SEV-ES reset block (Can't find "
                     "SEV_ES_RESET_BLOCK_GUID): this firmware was built without SEV-ES support; use an "
                     "OvmfPkgX64 or AmdSevX64 build");
}

std::optional<std::uint32_t> FirmwareImage::hashes_table_gpa() const {
    return entry_u32(footer_, ovmf::kSevHashTableGuid, source_ + ": kernel hashes table footer entry");
}

bool FirmwareImage::supports_kernel_hashes() const {
    const auto base = hashes_table_gpa();
    return base && *base != 0;
}

std::optional<std::uint32_t> FirmwareImage::svsm_info_offset() const {
    return entry_u32(footer_, ovmf::kSvsmInfoGuid, source_ + ": SVSM info footer entry");
}

void FirmwareImage::require_page_aligned() const {
    if (data_.empty() || data_.size() % kPageSize != 0) {
        throw InputError(source_ + ": image length " + std::to_string(data_.size()) +
                         " is not a non-zero multiple of 4096 (truncated or not a firmware image?); SEV-SNP "
                         "measures whole 4 KiB pages");
    }
}

}  // namespace ccvm::sev
