#include "ccvm/attestation/event_log_check.hpp"

#include <algorithm>
#include <string>

#include "ccvm/firmware-measure/cc_event_log_diff.hpp"

namespace ccvm::attestation {

void check_event_log(ByteSpan log, std::string_view source, const LoggedRegisters& evidence, CheckList& out) {
    const CcEventLog parsed = parse_cc_event_log(log, source, evidence.platform);
    const CcRegisters replayed = replay_cc_event_log(parsed, source);
    for (std::uint32_t mr = 1; mr <= kCcMrCount; ++mr) {
        const std::string reg = cc_register_name(evidence.platform, mr);
        const std::string theirs = "the " + std::string(evidence.holder) + "'s RTMR" +
                                   std::to_string(cc_register_number(evidence.platform, mr));
        const Bytes& mine = replayed.values[mr - 1];
        const ByteSpan value = evidence.values[mr - 1];
        if (std::equal(mine.begin(), mine.end(), value.begin(), value.end())) {
            out.pass("event_log." + reg,
                     "replaying " + std::to_string(cc_register_events(parsed, mr).size()) + " events gives " + theirs);
        } else {
            out.fail("event_log." + reg, describe_register_mismatch(parsed, mr, mine, value, theirs + " is"));
        }
    }
}

}  // namespace ccvm::attestation
