// Measured events and RTMR replay (Intel TDX module spec, RTMR; Intel TDVF design guide, RTMR usage): RTMR :=
// SHA-384(RTMR || digest), from 48 zero bytes.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/tcg_event.hpp"

namespace ccvm::tdx {

// TCG event types (shared with every CC event log).
using ccvm::event_type_name;
using ccvm::EventType;

inline constexpr std::size_t kRtmrCount = 4;

struct Event {
    unsigned rtmr = 0;  // 0..3 (CC MR index - 1)
    EventType type = EventType::no_action;
    Sha384Digest digest{};
    std::string description;
};

using Rtmrs = std::array<Sha384Digest, kRtmrCount>;

Sha384Digest extend(const Sha384Digest& rtmr, const Sha384Digest& digest);
// Replays every event into its RTMR; events with rtmr >= 4 are an internal error.
Rtmrs replay(std::span<const Event> events);

}  // namespace ccvm::tdx
