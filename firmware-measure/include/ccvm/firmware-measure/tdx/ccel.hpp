// The TD's CC event log (tdx.md §4): TCG2 crypto-agile format as the CCEL ACPI table's log area
// holds it (Linux: /sys/firmware/acpi/tables/data/CCEL). PCRIndex carries the CC MR index
// (RTMR index + 1).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "ccvm/firmware-measure/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/tdx/event.hpp"

namespace ccvm::tdx {

// TCG algorithm registry id of SHA-384.
inline constexpr std::uint16_t kTpmAlgSha384 = 0x000C;

struct CcelEvent {
    std::size_t offset = 0;        // file offset of the event
    std::uint32_t mr_index = 0;    // CC MR index: 1..4 = RTMR0..3
    std::uint32_t type = 0;
    std::vector<std::pair<std::uint16_t, Bytes>> digests;  // (algorithm id, digest)
    Bytes data;

    // The SHA-384 digest, or nullptr when the event carries none.
    const Bytes* sha384() const noexcept;
};

struct CcelLog {
    std::vector<std::pair<std::uint16_t, std::uint16_t>> algorithms;  // from the Spec ID Event03 header
    std::vector<CcelEvent> events;  // after the header; includes EV_NO_ACTION events
};

// Parses the header (TCG_PCR_EVENT with "Spec ID Event03") and every TCG_PCR_EVENT2 until the
// unused tail of the log area (0xFF or 0x00 filled). Throws InputError naming `source` and the offset.
CcelLog parse_ccel(ByteSpan log, std::string_view source = "event log");

// RTMR values from every measuring event (EV_NO_ACTION and MR index 0 are not extended).
// Throws InputError naming the event whose SHA-384 digest is missing or whose MR index is out of range.
Rtmrs replay_ccel(const CcelLog& log, std::string_view source = "event log");

// Serialises events as a crypto-agile SHA-384-only log (the description is the event data).
Bytes build_ccel(std::span<const Event> events);

}  // namespace ccvm::tdx
