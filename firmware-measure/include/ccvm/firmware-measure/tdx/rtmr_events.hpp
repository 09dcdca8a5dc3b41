// The RTMR0..2 event lists of a direct-kernel-boot TD, per edk2 release range (edk2 OvmfPkg/IntelTdx, TdTcg2Dxe; edk2
// OvmfPkg/Tcg/TdTcg2Dxe; Linux drivers/firmware/efi/libstub). Each function takes digests already computed, so the
// heavy hashing can run concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/guid.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/tdx/event.hpp"
#include "ccvm/firmware-measure/tdx/versions.hpp"

namespace ccvm::tdx {

// edk2 OvmfPkg release history: OVMF generations with distinct event templates.
enum class FirmwareGeneration {
    no_measurement,  // < 2023.02: TDX metadata but no TdTcg2Dxe, RTMRs stay zero
    pre_202411,      // 2023.02..2024.08: ReadyToBoot separator in RTMR0, none in RTMR1
    v202411,         // 2024.11..2025.02: the 13-event RTMR0
    v202505,         // >= 2025.05: fw_cfg items and new boot variables in RTMR0
};

FirmwareGeneration firmware_generation(Edk2Version edk2) noexcept;

// edk2 OvmfPkg/Tcg/TdTcg2Dxe: EV_EFI_ACTION strings and the separator digest input.
inline constexpr std::string_view kCallingEfiApplication = "Calling EFI Application from Boot Option";
inline constexpr std::string_view kExitBootServicesInvocation = "Exit Boot Services Invocation";
inline constexpr std::string_view kExitBootServicesSuccess = "Exit Boot Services Returned with Success";

// BootOrder variable data: the option numbers as u16 LE.
Bytes boot_order(std::span<const std::uint16_t> options);
// EFI_LOAD_OPTION (UEFI 2.10 §3.1.3) of an application in an OVMF firmware volume:
// Attributes || FilePathListLength || UTF-16LE description with NUL || Fv(fv)/FvFile(file)/End.
Bytes fv_load_option(std::uint32_t attributes, std::string_view description, const Guid& fv, const Guid& file);

// edk2 OvmfPkg/IntelTdx, TdTcg2Dxe/12 (edk2 < 2025.05): BootOrder [0] and Boot0000 "UiApp" (BootManagerMenu).
Bytes boot_order_direct_boot();
Bytes boot0000_uiapp();
// edk2 >= 2025.05 (9d9e3a2b, d433b4c8): BdsFormalizeOSIndicationVariable registers the
// BootManagerMenu (now BootManagerMenuApp) as Boot0000, then PlatformBootManagerBeforeConsole adds
// UiApp as Boot0001 "EFI Firmware Setup"; BootOrder [0, 1].
Bytes boot_order_direct_boot_202505();
Bytes boot0000_boot_manager_menu_app();
Bytes boot0001_firmware_setup();

struct Rtmr0Inputs {
    Sha384Digest td_hob{};                                   // SHA-384 of the TD HOB list without the END HOB
    Sha384Digest cfv{};                                      // SHA-384 of the CFV section bytes
    std::vector<std::pair<std::string, Sha384Digest>> acpi;  // table-loader, then allocated blobs
    std::optional<Sha384Digest> smbios;                      // SHA-384 of smbios_measured_table() (edk2 >= 2025.05)
};

// RTMR0 events; nullopt when an input of this generation's template is missing (the SMBIOS
// table digest for edk2 >= 2025.05).
std::optional<std::vector<Event>> rtmr0_events(Edk2Version edk2, const Rtmr0Inputs& in);

// RTMR1: kernel Authenticode digest, "Calling EFI Application", [separator,] ExitBootServices.
std::vector<Event> rtmr1_events(Edk2Version edk2, const Sha384Digest& kernel, std::string kernel_description);

// RTMR2 as a measuring (Linux >= 6.9) EFI stub extends it: LoadOptions (if any), initrd (if any).
std::vector<Event> rtmr2_events(Edk2Version edk2, ByteSpan load_options, std::string load_options_text,
                                const std::optional<Sha384Digest>& initrd);

}  // namespace ccvm::tdx
