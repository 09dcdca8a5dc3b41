#include "ccvm/firmware-measure/tdx/event_log_diff.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "ccvm/firmware-measure/encoding.hpp"
#include "tdx/hex_text.hpp"

namespace ccvm::tdx {
namespace {


std::string event_label(unsigned rtmr, std::size_t index) {
    return "rtmr" + std::to_string(rtmr) + " event " + std::to_string(index);
}

}  // namespace

std::optional<EventLogDifference> first_difference(const CcelLog& log, const ExpectedRegisters& expected) {
    std::optional<EventLogDifference> best;
    std::size_t best_offset = std::numeric_limits<std::size_t>::max();
    for (unsigned r = 0; r < kRtmrCount; ++r) {
        if (!expected.values[r]) continue;
        std::vector<const CcelEvent*> got;
        for (const CcelEvent& e : log.events)
            if (e.mr_index == r + 1 && e.type != static_cast<std::uint32_t>(EventType::no_action)) got.push_back(&e);
        std::vector<const Event*> want;
        for (const Event& e : expected.events)
            if (e.rtmr == r) want.push_back(&e);
        const std::size_t end_offset = std::numeric_limits<std::size_t>::max() - 1;
        auto consider = [&](std::size_t off, std::size_t index, std::string msg) {
            if (off < best_offset) {
                best_offset = off;
                best = EventLogDifference{r, index, std::move(msg)};
            }
        };
        const std::size_t n = std::max(got.size(), want.size());
        bool differed = false;
        for (std::size_t i = 0; i < n && !differed; ++i) {
            if (i >= got.size()) {
                consider(end_offset, i, event_label(r, i) + ": missing from the log, expected " +
                                            event_type_name(static_cast<std::uint32_t>(want[i]->type)) + " " +
                                            to_hex(want[i]->digest) + " (" + want[i]->description + ")");
                differed = true;
            } else if (i >= want.size()) {
                const Bytes* d = got[i]->sha384();
                consider(got[i]->offset, i, event_label(r, i) + ": unexpected " + event_type_name(got[i]->type) + " " +
                                                (d ? to_hex(*d) : std::string("(no SHA-384)")) + " at log offset " +
                                                hex_number(got[i]->offset));
                differed = true;
            } else {
                const Bytes* d = got[i]->sha384();
                if (d == nullptr || ByteSpan(*d).size() != 48 || !std::equal(d->begin(), d->end(), want[i]->digest.begin())) {
                    consider(got[i]->offset, i, event_label(r, i) + " (" + want[i]->description + "): log has " +
                                                    event_type_name(got[i]->type) + " " + (d ? to_hex(*d) : std::string("(no SHA-384)")) +
                                                    " at log offset " + hex_number(got[i]->offset) + ", expected " +
                                                    to_hex(want[i]->digest));
                    differed = true;
                }
            }
        }
        if (!differed) {
            // Same events (or none listed): the registers must then agree too.
            Rtmrs replayed = replay_ccel(log);
            if (replayed[r] != *expected.values[r]) {
                consider(end_offset, n, "rtmr" + std::to_string(r) + ": log replays to " + to_hex(replayed[r]) +
                                            ", expected " + to_hex(*expected.values[r]));
            }
        }
    }
    return best;
}

}  // namespace ccvm::tdx
