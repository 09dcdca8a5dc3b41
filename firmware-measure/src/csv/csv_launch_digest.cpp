#include "ccvm/firmware-measure/csv/csv_launch_digest.hpp"

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::csv {

std::string_view to_string(Generation g) noexcept {
    switch (g) {
        case Generation::csv1:
            return "csv";
        case Generation::csv2:
            return "csv2";
        case Generation::csv3:
            return "csv3";
    }
    return "?";
}

Sm3Digest launch_digest(const LaunchDigestInput& in) {
    if (in.firmware == nullptr) throw InputError("CSV launch digest: no firmware image");
    const sev::FirmwareImage& fw = *in.firmware;
    // Hygon QEMU target/i386/csv.c / edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm: QEMU refuses kernel-hashes=on
    // when the hash-table area is absent or at base 0.
    if (in.kernel_hashes_table && !fw.supports_kernel_hashes())
        throw InputError(fw.source() +
                         ": kernel hashes not supported: a kernel was given but this OVMF has no kernel hashes table "
                         "area (footer entry 7255371f-3a3b-4b04-927b-1da6efa8d454 missing or base 0); measured direct "
                         "boot needs an AmdSev OVMF build");
    const auto pages = in.register_state_pages;
    if (in.generation == Generation::csv1 && !pages.empty())
        throw InputError(
            "vmsa-file: CSV (CSV1) has no encrypted register state; register-state pages apply to csv2 and "
            "csv3 only");
    if (in.generation != Generation::csv1 && pages.empty())
        throw InputError(std::string(to_string(in.generation)) +
                         ": missing register-state pages (vmsa-file): the launch digest includes one encrypted "
                         "register-state page per vCPU "
                         "(LAUNCH_UPDATE_VMSA / LAUNCH_ENCRYPT_VMCB) and Hygon's layout is not public; give each "
                         "vCPU's 4096-byte page, captured from a known-good launch, in vCPU order");
    for (std::size_t i = 0; i < pages.size(); ++i)
        if (pages[i].size() != kRegisterStatePageSize)
            throw InputError("vmsa-file #" + std::to_string(i + 1) + ": " + std::to_string(pages[i].size()) +
                             " bytes, expected one 4096-byte register-state page");

    Hasher h(HashAlgo::sm3);
    h.update(fw.data());
    if (in.kernel_hashes_table) h.update(*in.kernel_hashes_table);
    for (ByteSpan page : pages) h.update(page);
    Sm3Digest out{};
    h.finish(out);
    return out;
}

}  // namespace ccvm::csv
