// Comparing a TD's CC event log with the events ccvm expects:
// the TDX events and RTMR values of `ccvm measure --mode tdx`, checked by cc_event_log_diff.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>

#include "ccvm/firmware-measure/cc_event_log_diff.hpp"
#include "ccvm/firmware-measure/tdx/ccel.hpp"
#include "ccvm/firmware-measure/tdx/event.hpp"

namespace ccvm::tdx {

struct ExpectedRegisters {
    std::array<std::optional<Sha384Digest>, kRtmrCount> values;  // nullopt = not compared
    std::vector<Event> events;                                   // in order within each RTMR
};

struct EventLogDifference {
    unsigned rtmr = 0;
    std::size_t index = 0;  // event index within that RTMR
    std::string message;    // one line naming the event, both digests and the log offset
};

// The first event (lowest log offset) at which the log departs from the expectation, checking
// only RTMRs whose expected value is known; nullopt when every compared RTMR matches.
std::optional<EventLogDifference> first_difference(const CcelLog& log, const ExpectedRegisters& expected);

}  // namespace ccvm::tdx
