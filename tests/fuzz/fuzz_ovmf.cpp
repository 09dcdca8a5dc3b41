// Fuzzes the OVMF footer table and SEV metadata parsers and the SNP metadata measurement on top of
// them: bad images must end in a ccvm::Error, never a crash or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/sev/firmware_image.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ccvm;
    const ByteSpan image(reinterpret_cast<const std::byte*>(data), size);
    try {
        const auto fw = sev::FirmwareImage::parse(image, "fuzz");
        (void)fw.sev_es_reset_eip();
        (void)fw.supports_kernel_hashes();
        (void)fw.svsm_info_offset();
        // Measure the metadata only when it is small, so the fuzzer spends its time on parsing.
        std::uint64_t pages = 0;
        for (const auto& s : fw.metadata()) pages += s.size / 4096 + 1;
        if (pages <= 256) {
            sev::GuestContext gctx;
            const sev::KernelHashesTable table{};
            const bool with_kernel = fw.has_section(sev::SectionType::snp_kernel_hashes);
            sev::snp_update_metadata_pages(gctx, fw, with_kernel ? std::optional(table) : std::nullopt,
                                           size % 3 == 0 ? sev::VmmType::ec2 : sev::VmmType::gce);
        }
    } catch (const ccvm::Error&) {}
    return 0;
}
