#include "ccvm/attestation/tdx/event_log_check.hpp"

#include "ccvm/attestation/event_log_check.hpp"

namespace ccvm::attestation::tdx {

void check_event_log(const Quote& quote, ByteSpan ccel, std::string_view source, attestation::CheckList& out) {
    attestation::LoggedRegisters rtmrs{CcPlatform::tdx, {}, "quote"};
    for (std::size_t i = 0; i < rtmrs.values.size(); ++i) rtmrs.values[i] = quote.body.rtmr[i];
    attestation::check_event_log(ccel, source, rtmrs, out);
}

}  // namespace ccvm::attestation::tdx
