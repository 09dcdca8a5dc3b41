// Fuzzes the SEV certificate parser (PDH given by the platform, untrusted) and the public-key
// extraction that feeds ECDH; a parsed certificate must serialize back to the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/sev_cert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ccvm::ByteSpan input(reinterpret_cast<const std::byte*>(data), size);
    try {
        const auto cert = ccvm::secret::SevCertificate::parse(input, "fuzz");
        const ccvm::Bytes round = cert.serialize();
        if (round.size() != size || !std::equal(round.begin(), round.end(), input.begin())) std::abort();
        const auto point = cert.ecdh_public_key("fuzz");
        (void)ccvm::secret::p384_public_key(point, "fuzz");
    } catch (const ccvm::Error&) {}
    return 0;
}
