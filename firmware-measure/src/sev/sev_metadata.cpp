#include "ccvm/firmware-measure/sev/sev_metadata.hpp"
#include "ccvm/base/hex_number.hpp"

#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::sev {
namespace {

bool known_type(std::uint32_t t) {
    switch (static_cast<SectionType>(t)) {
        case SectionType::snp_sec_mem:
        case SectionType::snp_secrets:
        case SectionType::cpuid:
        case SectionType::svsm_caa:
        case SectionType::snp_kernel_hashes:
            return true;
    }
    return false;
}

}  // namespace

std::string_view to_string(SectionType type) noexcept {
    switch (type) {
        case SectionType::snp_sec_mem:
            return "SNP_SEC_MEM";
        case SectionType::snp_secrets:
            return "SNP_SECRETS";
        case SectionType::cpuid:
            return "CPUID";
        case SectionType::svsm_caa:
            return "SVSM_CAA";
        case SectionType::snp_kernel_hashes:
            return "SNP_KERNEL_HASHES";
    }
    return "UNKNOWN";
}

std::vector<MetadataSection> parse_sev_metadata(ByteSpan image, const ovmf::FooterTable& footer,
                                                std::string_view source) {
    std::vector<MetadataSection> sections;
    const ovmf::FooterEntry* entry = footer.find(ovmf::kSevMetadataGuid);
    if (entry == nullptr) return sections;
    const std::string src(source);
    const std::uint32_t from_end = load_le<std::uint32_t>(entry->payload, 0, src + ": SEV metadata footer entry");
    if (from_end > image.size() || from_end < kMetadataHeaderSize) {
        throw InputError(src + ": SEV metadata offset " + hex_number(from_end) + " (from the end of the " +
                         std::to_string(image.size()) + "-byte image) points outside the image");
    }
    const std::size_t start = image.size() - from_end;
    const ByteSpan header = image.subspan(start, kMetadataHeaderSize);
    if (as_chars(header.first(4)) != "ASEV") {
        throw InputError(src + ": SEV metadata at offset " + std::to_string(start) +
                         " does not start with the signature \"ASEV\"");
    }
    const std::uint32_t total_len = load_le<std::uint32_t>(header, 4);
    const std::uint32_t version = load_le<std::uint32_t>(header, 8);
    const std::uint32_t num_items = load_le<std::uint32_t>(header, 12);
    if (version != kMetadataVersion) {
        throw InputError(src + ": SEV metadata at offset " + std::to_string(start) + " has version " +
                         std::to_string(version) + " (only version 1 is defined)");
    }
    if (total_len < kMetadataHeaderSize || total_len > image.size() - start ||
        static_cast<std::uint64_t>(num_items) * kMetadataItemSize > total_len - kMetadataHeaderSize) {
        throw InputError(src + ": SEV metadata at offset " + std::to_string(start) + " declares length " +
                         std::to_string(total_len) + " and " + std::to_string(num_items) +
                         " sections, which do not fit the image");
    }
    sections.reserve(num_items);
    for (std::uint32_t i = 0; i < num_items; ++i) {
        const std::size_t off = start + kMetadataHeaderSize + i * kMetadataItemSize;
        MetadataSection s;
        s.gpa = load_le<std::uint32_t>(image, off);
        s.size = load_le<std::uint32_t>(image, off + 4);
        const std::uint32_t type = load_le<std::uint32_t>(image, off + 8);
        if (!known_type(type)) {
            throw InputError(src + ": SEV metadata section " + std::to_string(i) + " (offset " + std::to_string(off) +
                             ") has unknown type " + hex_number(type) +
                             " (known: 0x1 SNP_SEC_MEM, 0x2 SNP_SECRETS, 0x3 CPUID, 0x4 SVSM_CAA, "
                             "0x10 SNP_KERNEL_HASHES); a newer firmware needs a newer ccvm");
        }
        s.type = static_cast<SectionType>(type);
        sections.push_back(s);
    }
    return sections;
}

}  // namespace ccvm::sev
