// Fuzzes the SEV-SNP attestation report parser (reports come from the guest, i.e. the attacker).
#include <cstddef>
#include <cstdint>

#include "ccvm/attestation/snp/attestation_report.hpp"
#include "ccvm/base/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto report = ccvm::attestation::snp::parse_attestation_report(
            ccvm::ByteSpan(reinterpret_cast<const std::byte*>(data), size), "fuzz");
        (void)report.reported_tcb_version().to_string();
    } catch (const ccvm::Error&) {}
    return 0;
}
