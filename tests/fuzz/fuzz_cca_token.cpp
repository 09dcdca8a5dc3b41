// Fuzzes the CBOR reader, COSE_Sign1 and the CCA token parser, and the RAK decoding of the verifier.
#include <cstddef>
#include <cstdint>

#include "ccvm/attestation/cca/verify_token.hpp"
#include "ccvm/base/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto token = ccvm::attestation::cca::parse_attestation_token(
            ccvm::ByteSpan(reinterpret_cast<const std::byte*>(data), size), "fuzz");
        (void)ccvm::attestation::cca::verify_token(token, nullptr, {});
    } catch (const ccvm::Error&) {}
    return 0;
}
