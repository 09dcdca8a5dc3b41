// Comparing a CC event log with the events and register values a verifier expects, for any
// platform: the message names the first event that departs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccvm/firmware-measure/cc_event_log.hpp"

namespace ccvm {

struct ExpectedCcEvent {
    std::uint32_t mr_index = 0;  // 1..4
    EventType type = EventType::no_action;
    Bytes digest;  // in the log's algorithm
    std::string description;
};

struct ExpectedCcRegisters {
    std::array<std::optional<Bytes>, kCcMrCount> values;  // [MR index - 1]; nullopt = not compared
    std::vector<ExpectedCcEvent> events;                  // in order within each register
};

struct CcLogDifference {
    std::uint32_t mr_index = 0;
    std::size_t index = 0;  // event index within that register
    std::string message;    // one line naming the register, the event, both digests and the log offset
};

// The first event (lowest log offset) at which the log departs from the expectation, checking
// only registers whose expected value is known; nullopt when every compared register matches.
// When no events are expected for a register and the values differ, the message says whether the
// value is the replay of the log's first k events (the log holds later events), naming event k.
std::optional<CcLogDifference> first_difference(const CcEventLog& log, const ExpectedCcRegisters& expected);

// "rtmr2: log replays to X, expected Y" plus, when a proper prefix of the log's events replays to
// `value`, the first event past it. `value_name` says whose value it is ("expected", "the report's").
std::string describe_register_mismatch(const CcEventLog& log, std::uint32_t mr_index, ByteSpan replayed, ByteSpan value,
                                       std::string_view value_name);

}  // namespace ccvm
