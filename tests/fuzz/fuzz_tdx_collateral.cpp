// Fuzzes the TDX collateral parsers (Intel PCS TCB info and QE identity JSON, the raw signed-body
// scan behind them) and the RFC 3339 times they carry.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ccvm/attestation/tdx/tcb_collateral.hpp"
#include "ccvm/base/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    using namespace ccvm::attestation::tdx;
    try {
        (void)parse_tcb_info(text, "fuzz");
    } catch (const ccvm::Error&) {}
    try {
        (void)parse_qe_identity(text, "fuzz");
    } catch (const ccvm::Error&) {}
    try {
        (void)parse_rfc3339(text, "fuzz");
    } catch (const ccvm::Error&) {}
    return 0;
}
