#include "ccvm/platform/evidence/tdx/event_log_check.hpp"

#include <algorithm>
#include <string>

#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/tdx/ccel.hpp"

namespace ccvm::platform::tdx {

void check_event_log(const Quote& quote, ByteSpan ccel, std::string_view source, evidence::CheckList& out) {
    const ccvm::tdx::CcelLog log = ccvm::tdx::parse_ccel(ccel, source);
    const ccvm::tdx::Rtmrs replayed = ccvm::tdx::replay_ccel(log, source);
    for (std::size_t i = 0; i < replayed.size(); ++i) {
        std::size_t events = 0;
        for (const auto& e : log.events)
            if (e.mr_index == i + 1) ++events;
        const std::string name = "event_log.rtmr" + std::to_string(i);
        const auto& actual = quote.body.rtmr[i];
        if (std::equal(replayed[i].begin(), replayed[i].end(), actual.begin(), actual.end()))
            out.pass(name, "replaying " + std::to_string(events) + " events gives the quote's RTMR" + std::to_string(i));
        else
            out.fail(name, "replaying " + std::to_string(events) + " events gives " + to_hex(replayed[i]) +
                               ", the quote's RTMR" + std::to_string(i) + " is " + to_hex(actual));
    }
}

}  // namespace ccvm::platform::tdx
