// Measured events and RTMR replay (tdx.md §0, §4): RTMR := SHA-384(RTMR || digest), from 48 zero bytes.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::tdx {

// TCG PC Client PFP event types that TDVF and the Linux EFI stub log.
enum class EventType : std::uint32_t {
    no_action = 0x3,
    separator = 0x4,
    event_tag = 0x6,
    platform_config_flags = 0xA,
    efi_variable_driver_config = 0x80000001,
    efi_variable_boot = 0x80000002,
    efi_boot_services_application = 0x80000003,
    efi_action = 0x80000007,
    efi_handoff_tables = 0x80000009,
    efi_platform_firmware_blob2 = 0x8000000A,
    efi_handoff_tables2 = 0x8000000B,
    efi_variable_authority = 0x800000E0,
};

// "EV_SEPARATOR" etc.; unknown values as hex.
std::string event_type_name(std::uint32_t type);

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
