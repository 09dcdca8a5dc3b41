// The TD's CC event log: a TCG2 crypto-agile log with SHA-384 digests whose MR index
// i extends RTMR[i-1]. Parsing is the platform-neutral cc_event_log; this adds the TDX registers.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/cc_event_log.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/tdx/event.hpp"

namespace ccvm::tdx {

inline constexpr std::uint16_t kTpmAlgSha384 = kTcgAlgSha384;

using CcelEvent = CcEvent;
using CcelLog = CcEventLog;

// Parses a log whose spec-ID event lists SHA-384 (and replays with it).
inline CcelLog parse_ccel(ByteSpan log, std::string_view source = "event log") {
    return parse_cc_event_log(log, source, CcPlatform::tdx);
}

// RTMR values from every measuring event (EV_NO_ACTION and MR index 0 are not extended).
// Throws InputError for a log that is not SHA-384 (a CSV log) and naming the event whose SHA-384
// digest is missing or whose MR index is out of range.
Rtmrs replay_ccel(const CcelLog& log, std::string_view source = "event log");

// Serialises events as a crypto-agile SHA-384-only log (the description is the event data).
Bytes build_ccel(std::span<const Event> events);

}  // namespace ccvm::tdx
