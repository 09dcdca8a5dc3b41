#include "ccvm/firmware-measure/tdx/event_log_diff.hpp"

namespace ccvm::tdx {

std::optional<EventLogDifference> first_difference(const CcelLog& log, const ExpectedRegisters& expected) {
    require_cc_platform(log, CcPlatform::tdx, "event log");
    ExpectedCcRegisters generic;
    for (std::size_t i = 0; i < kRtmrCount; ++i)
        if (expected.values[i]) generic.values[i] = Bytes(expected.values[i]->begin(), expected.values[i]->end());
    for (const Event& e : expected.events)
        generic.events.push_back({e.rtmr + 1, e.type, Bytes(e.digest.begin(), e.digest.end()), e.description});
    auto d = ccvm::first_difference(log, generic);
    if (!d) return std::nullopt;
    return EventLogDifference{d->mr_index - 1, d->index, std::move(d->message)};
}

}  // namespace ccvm::tdx
