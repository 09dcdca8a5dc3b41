// Replays the TD's CC event log (CCEL) and compares the result with the quote's RTMRs, so an RTMR
// mismatch can be traced to the events that produced it.
#pragma once

#include "ccvm/attestation/checks.hpp"
#include "ccvm/attestation/tdx/quote.hpp"
#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::tdx {

// Adds one check per RTMR ("event_log.rtmrN"); throws InputError when the log cannot be parsed.
void check_event_log(const Quote& quote, ByteSpan ccel, std::string_view source, attestation::CheckList& out);

}  // namespace ccvm::attestation::tdx
