// Fuzzes the TDX quote parser and the signature checks that build keys and certificates from it.
#include <cstddef>
#include <cstdint>

#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/platform/evidence/tdx/verify_quote.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto quote =
            ccvm::platform::tdx::parse_quote(ccvm::ByteSpan(reinterpret_cast<const std::byte*>(data), size), "fuzz");
        (void)ccvm::platform::tdx::verify_quote(quote, nullptr, {});
    } catch (const ccvm::Error&) {
    }
    return 0;
}
