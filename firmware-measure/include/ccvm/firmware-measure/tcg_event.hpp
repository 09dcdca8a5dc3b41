// TCG PC Client Platform Firmware Profile (PFP) event types, as firmware and boot loaders log them
// in TCG2 event logs (TCG PC Client PFP spec 1.05, §10.4.1 "Event Types").
#pragma once

#include <cstdint>
#include <string>

namespace ccvm {

enum class EventType : std::uint32_t {
    no_action = 0x3,
    separator = 0x4,
    event_tag = 0x6,
    platform_config_flags = 0xA,
    ipl = 0xD,
    efi_variable_driver_config = 0x80000001,
    efi_variable_boot = 0x80000002,
    efi_boot_services_application = 0x80000003,
    efi_gpt_event = 0x80000006,
    efi_action = 0x80000007,
    efi_handoff_tables = 0x80000009,
    efi_platform_firmware_blob2 = 0x8000000A,
    efi_handoff_tables2 = 0x8000000B,
    efi_variable_authority = 0x800000E0,
};

// "EV_SEPARATOR" etc.; unknown values as hex.
std::string event_type_name(std::uint32_t type);

}  // namespace ccvm
