// Fuzzes the TDX quote parser and the signature checks that build keys and certificates from it.
#include <cstddef>
#include <cstdint>

#include "ccvm/attestation/tdx/verify_quote.hpp"
#include "ccvm/base/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto quote =
            ccvm::attestation::tdx::parse_quote(ccvm::ByteSpan(reinterpret_cast<const std::byte*>(data), size), "fuzz");
        (void)ccvm::attestation::tdx::verify_quote(quote, nullptr, {});
    } catch (const ccvm::Error&) {}
    return 0;
}
