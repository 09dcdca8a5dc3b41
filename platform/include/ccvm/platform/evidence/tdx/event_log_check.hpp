// Replays the TD's CC event log (CCEL) and compares the result with the quote's RTMRs, so an RTMR
// mismatch can be traced to the events that produced it.
#pragma once

#include "ccvm/firmware-measure/bytes.hpp"
#include "ccvm/platform/evidence/checks.hpp"
#include "ccvm/platform/evidence/tdx/quote.hpp"

namespace ccvm::platform::tdx {

// Adds one check per RTMR ("event_log.rtmrN"); throws InputError when the log cannot be parsed.
void check_event_log(const Quote& quote, ByteSpan ccel, std::string_view source, evidence::CheckList& out);

}  // namespace ccvm::platform::tdx
