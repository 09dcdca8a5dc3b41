#include "ccvm/firmware-measure/tcg_event.hpp"

#include <cstdio>

namespace ccvm {

std::string event_type_name(std::uint32_t type) {
    switch (static_cast<EventType>(type)) {
        case EventType::no_action:
            return "EV_NO_ACTION";
        case EventType::separator:
            return "EV_SEPARATOR";
        case EventType::event_tag:
            return "EV_EVENT_TAG";
        case EventType::platform_config_flags:
            return "EV_PLATFORM_CONFIG_FLAGS";
        case EventType::ipl:
            return "EV_IPL";
        case EventType::efi_variable_driver_config:
            return "EV_EFI_VARIABLE_DRIVER_CONFIG";
        case EventType::efi_variable_boot:
            return "EV_EFI_VARIABLE_BOOT";
        case EventType::efi_boot_services_application:
            return "EV_EFI_BOOT_SERVICES_APPLICATION";
        case EventType::efi_gpt_event:
            return "EV_EFI_GPT_EVENT";
        case EventType::efi_action:
            return "EV_EFI_ACTION";
        case EventType::efi_handoff_tables:
            return "EV_EFI_HANDOFF_TABLES";
        case EventType::efi_platform_firmware_blob2:
            return "EV_EFI_PLATFORM_FIRMWARE_BLOB2";
        case EventType::efi_handoff_tables2:
            return "EV_EFI_HANDOFF_TABLES2";
        case EventType::efi_variable_authority:
            return "EV_EFI_VARIABLE_AUTHORITY";
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", type);
    return buf;
}

}  // namespace ccvm
