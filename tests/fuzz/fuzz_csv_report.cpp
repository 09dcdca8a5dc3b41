// Fuzzes the Hygon CSV report and certificate parsers and the checks run on what they accept:
// every byte of a report comes from the guest, so none of it may crash the verifier.
#include <cstddef>
#include <cstdint>

#include "ccvm/attestation/csv/report_verifier.hpp"
#include "ccvm/base/error.hpp"

using namespace ccvm::attestation::csv;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ccvm::ByteSpan in(reinterpret_cast<const std::byte*>(data), size);
    try {
        const auto report = AttestationReport::parse(in, "fuzz report");
        (void)verify_report_signature(report);
        (void)verify_signer_mac(report);
    } catch (const ccvm::Error&) {}
    // The same bytes as a certificate chain HRK || HSK || CEK.
    if (size >= kCaCertSize + kCaCertSize + kCsvCertSize) {
        try {
            const auto chain = CertChain::parse(in.first(kCaCertSize), "fuzz hrk",
                                                in.subspan(kCaCertSize, kCaCertSize + kCsvCertSize), "fuzz hsk_cek");
            ccvm::attestation::CheckList checks;
            verify_chain(chain, checks);
        } catch (const ccvm::Error&) {}
    }
    return 0;
}
