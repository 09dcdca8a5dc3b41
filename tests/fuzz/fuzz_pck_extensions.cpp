// Fuzzes the DER reader of the Intel SGX extension of PCK certificates (quote-supplied bytes).
#include <cstddef>
#include <cstdint>

#include "ccvm/attestation/tdx/pck_extensions.hpp"
#include "ccvm/base/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        (void)ccvm::attestation::tdx::parse_pck_extensions(
            ccvm::ByteSpan(reinterpret_cast<const std::byte*>(data), size), "fuzz");
    } catch (const ccvm::Error&) {}
    return 0;
}
