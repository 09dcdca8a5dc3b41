// Replays a guest's CC event log and compares each register with the value the evidence carries
// (TDX quote RTMR0..3, CSV report RTMR1..4), so a register mismatch can be traced to the events.
#pragma once

#include <array>
#include <string_view>

#include "ccvm/attestation/checks.hpp"
#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/cc_event_log.hpp"

namespace ccvm::attestation {

// What the log is checked against: the platform and the evidence's register for each MR index.
struct LoggedRegisters {
    CcPlatform platform = CcPlatform::tdx;
    std::array<ByteSpan, kCcMrCount> values;  // [MR index - 1]
    std::string_view holder;                  // "quote", "report"
};

// Adds one check per register, "event_log.rtmrN" with the platform's register number; a failed
// check says whether the evidence's value is the replay of the log's first k events and names
// event k. Throws InputError when the log cannot be parsed or uses another platform's algorithm.
void check_event_log(ByteSpan log, std::string_view source, const LoggedRegisters& evidence, CheckList& out);

}  // namespace ccvm::attestation
