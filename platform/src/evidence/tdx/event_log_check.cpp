#include "ccvm/platform/evidence/tdx/event_log_check.hpp"

#include "ccvm/platform/evidence/event_log_check.hpp"

namespace ccvm::platform::tdx {

void check_event_log(const Quote& quote, ByteSpan ccel, std::string_view source, evidence::CheckList& out) {
    evidence::LoggedRegisters rtmrs{CcPlatform::tdx, {}, "quote"};
    for (std::size_t i = 0; i < rtmrs.values.size(); ++i) rtmrs.values[i] = quote.body.rtmr[i];
    evidence::check_event_log(ccel, source, rtmrs, out);
}

}  // namespace ccvm::platform::tdx
