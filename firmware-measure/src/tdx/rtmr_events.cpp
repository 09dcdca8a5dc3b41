#include "ccvm/firmware-measure/tdx/rtmr_events.hpp"

#include "ccvm/base/guid.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/tdx/load_options.hpp"
#include "ccvm/firmware-measure/tdx/qemu_fw_cfg_items.hpp"
#include "ccvm/firmware-measure/tdx/uefi_variable.hpp"

namespace ccvm::tdx {
namespace {

// edk2 OvmfPkg/IntelTdx, TdTcg2Dxe: OVMF's DXEFV (FvNameGuid in OvmfPkgX64.fdf / IntelTdxX64.fdf) and UiApp's file
// GUID.
const Guid kDxeFvGuid = Guid::parse("7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1");
const Guid kUiAppFileGuid = Guid::parse("462caa21-7614-4503-836e-8ab6f4662331");
// MdeModulePkg BootManagerMenuApp.inf FILE_GUID (OVMF's PcdBootManagerMenuFile from edk2 9d9e3a2b).
const Guid kBootManagerMenuAppFileGuid = Guid::parse("eec25bdc-67f2-4d95-b1d5-f81b2039d11d");
// UEFI 2.10 §3.1.3: LOAD_OPTION_ACTIVE | LOAD_OPTION_HIDDEN | LOAD_OPTION_CATEGORY_APP, as
// BmRegisterBootManagerMenu sets them; without HIDDEN for OVMF's "EFI Firmware Setup".
constexpr std::uint32_t kBootManagerMenuAttributes = 0x109;
constexpr std::uint32_t kFirmwareSetupAttributes = 0x101;
// Linux drivers/firmware/efi/libstub: Linux EFI stub EV_EVENT_TAG ids.
constexpr std::uint32_t kTagLoadOptions = 0x8F3B22ED;
constexpr std::uint32_t kTagInitrd = 0x8F3B22EC;

constexpr std::byte kSeparatorData[4] = {};

Event make(unsigned rtmr, EventType type, ByteSpan data, std::string description) {
    return {rtmr, type, sha384(data), std::move(description)};
}

Event separator(unsigned rtmr) { return make(rtmr, EventType::separator, kSeparatorData, "separator"); }

Event action(unsigned rtmr, std::string_view text) {
    return make(rtmr, EventType::efi_action, as_bytes(text), std::string(text));
}

void append_device_path(Bytes& out, std::uint8_t type, std::uint8_t subtype, const Guid& guid) {
    out.push_back(std::byte{type});
    out.push_back(std::byte{subtype});
    append_le<std::uint16_t>(out, 4 + 16);
    out.insert(out.end(), guid.bytes.begin(), guid.bytes.end());
}

std::string tag_hex(std::uint32_t tag) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", tag);
    return buf;
}

}  // namespace

FirmwareGeneration firmware_generation(Edk2Version edk2) noexcept {
    if (edk2 < kEdk2FirstTdxMeasurement) return FirmwareGeneration::no_measurement;
    if (edk2 < kEdk2SeparatorFix) return FirmwareGeneration::pre_202411;
    if (edk2 < kEdk2FwCfgEvents) return FirmwareGeneration::v202411;
    return FirmwareGeneration::v202505;
}

Bytes boot_order(std::span<const std::uint16_t> options) {
    Bytes out;
    for (std::uint16_t o : options) append_le<std::uint16_t>(out, o);
    return out;
}

Bytes fv_load_option(std::uint32_t attributes, std::string_view description, const Guid& fv, const Guid& file) {
    Bytes path;
    append_device_path(path, 0x04, 0x07, fv);                                      // MEDIA_PIWG_FW_VOL_DP
    append_device_path(path, 0x04, 0x06, file);                                    // MEDIA_PIWG_FW_FILE_DP
    for (std::uint8_t b : {0x7f, 0xff, 0x04, 0x00}) path.push_back(std::byte{b});  // END_ENTIRE
    Bytes out;
    append_le<std::uint32_t>(out, attributes);
    append_le<std::uint16_t>(out, static_cast<std::uint16_t>(path.size()));
    append(out, utf16le(description));
    append_le<std::uint16_t>(out, 0);  // description NUL
    append(out, path);
    return out;
}

Bytes boot_order_direct_boot() {
    const std::uint16_t order[] = {0x0000};
    return boot_order(order);
}

Bytes boot0000_uiapp() { return fv_load_option(kBootManagerMenuAttributes, "UiApp", kDxeFvGuid, kUiAppFileGuid); }

Bytes boot_order_direct_boot_202505() {
    const std::uint16_t order[] = {0x0000, 0x0001};
    return boot_order(order);
}

Bytes boot0000_boot_manager_menu_app() {
    // The description is the UI section of the file, i.e. the module's BASE_NAME.
    return fv_load_option(kBootManagerMenuAttributes, "BootManagerMenuApp", kDxeFvGuid, kBootManagerMenuAppFileGuid);
}

Bytes boot0001_firmware_setup() {
    return fv_load_option(kFirmwareSetupAttributes, "EFI Firmware Setup", kDxeFvGuid, kUiAppFileGuid);
}

std::optional<std::vector<Event>> rtmr0_events(Edk2Version edk2, const Rtmr0Inputs& in) {
    const FirmwareGeneration gen = firmware_generation(edk2);
    if (gen == FirmwareGeneration::no_measurement) return std::vector<Event>{};
    if (gen == FirmwareGeneration::v202505 && !in.smbios) return std::nullopt;
    std::vector<Event> ev;
    ev.push_back({0, EventType::efi_handoff_tables2, in.td_hob, "TD HOB (TdxTable)"});
    ev.push_back({0, EventType::efi_platform_firmware_blob2, in.cfv, "CFV (configuration firmware volume)"});
    // edk2 OvmfPkg release history: from 2025.05 QemuFwCfgCacheInit measures fw_cfg items right after the TD HOB and
    // CFV GUID HOBs are built (PlatformPei / PeilessStartup), before any DXE event.
    if (gen == FirmwareGeneration::v202505) {
        for (const FwCfgItem& item : direct_boot_fw_cfg_items())
            ev.push_back(make(0, EventType::platform_config_flags, item.data, "QEMU FW CFG " + item.name));
    }
    const std::pair<const Guid*, const char*> vars[] = {
        {&kEfiGlobalVariableGuid, "SecureBoot"}, {&kEfiGlobalVariableGuid, "PK"},      {&kEfiGlobalVariableGuid, "KEK"},
        {&kImageSecurityDatabaseGuid, "db"},     {&kImageSecurityDatabaseGuid, "dbx"},
    };
    for (const auto& [guid, name] : vars)
        ev.push_back(make(0, EventType::efi_variable_driver_config, uefi_variable_data(*guid, name),
                          std::string(name) + " (absent)"));
    ev.push_back(separator(0));
    for (const auto& [name, digest] : in.acpi)
        ev.push_back({0, EventType::platform_config_flags, digest, "ACPI DATA " + name});
    if (gen == FirmwareGeneration::v202505) {
        // SmbiosMeasurementDxe's ReadyToBoot callback runs before TdTcg2Dxe measures the boot variables.
        ev.push_back({0, EventType::efi_handoff_tables, *in.smbios,
                      "SMBIOS structure table (SmbiosMeasurementDxe, host fields blanked)"});
        ev.push_back(make(0, EventType::efi_variable_boot, boot_order_direct_boot_202505(), "BootOrder (0000,0001)"));
        ev.push_back(
            make(0, EventType::efi_variable_boot, boot0000_boot_manager_menu_app(), "Boot0000 (BootManagerMenuApp)"));
        ev.push_back(make(0, EventType::efi_variable_boot, boot0001_firmware_setup(), "Boot0001 (EFI Firmware Setup)"));
        return ev;
    }
    ev.push_back(make(0, EventType::efi_variable_boot, boot_order_direct_boot(), "BootOrder (0000)"));
    ev.push_back(make(0, EventType::efi_variable_boot, boot0000_uiapp(), "Boot0000 (UiApp)"));
    // edk2 OvmfPkg release history: before efaf893 the ReadyToBoot separator went to RTMR0.
    if (gen == FirmwareGeneration::pre_202411) ev.push_back(separator(0));
    return ev;
}

std::vector<Event> rtmr1_events(Edk2Version edk2, const Sha384Digest& kernel, std::string kernel_description) {
    const FirmwareGeneration gen = firmware_generation(edk2);
    if (gen == FirmwareGeneration::no_measurement) return {};
    std::vector<Event> ev;
    ev.push_back({1, EventType::efi_boot_services_application, kernel, std::move(kernel_description)});
    ev.push_back(action(1, kCallingEfiApplication));
    if (gen != FirmwareGeneration::pre_202411) ev.push_back(separator(1));
    ev.push_back(action(1, kExitBootServicesInvocation));
    ev.push_back(action(1, kExitBootServicesSuccess));
    return ev;
}

std::vector<Event> rtmr2_events(Edk2Version edk2, ByteSpan load_options, std::string load_options_text,
                                const std::optional<Sha384Digest>& initrd) {
    if (firmware_generation(edk2) == FirmwareGeneration::no_measurement) return {};
    std::vector<Event> ev;
    if (!load_options.empty())
        ev.push_back(
            make(2, EventType::event_tag, load_options,
                 "LOADED_IMAGE::LoadOptions (tag " + tag_hex(kTagLoadOptions) + "): \"" + load_options_text + "\""));
    if (initrd) ev.push_back({2, EventType::event_tag, *initrd, "Linux initrd (tag " + tag_hex(kTagInitrd) + ")"});
    return ev;
}

}  // namespace ccvm::tdx
