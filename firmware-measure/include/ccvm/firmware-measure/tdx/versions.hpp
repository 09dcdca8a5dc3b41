// Version selectors of the host profile: the edk2 release decides which events TDVF measures
// (edk2 OvmfPkg release history; edk2 OvmfPkg/Tcg/TdTcg2Dxe; Linux drivers/firmware/efi/libstub) and the QEMU release
// whether the kernel setup header is patched (QEMU hw/i386/x86-common.c).
#pragma once

#include <compare>
#include <string>
#include <string_view>

namespace ccvm::tdx {

// edk2 stable tag as YYYY.MM (e.g. 2025.02 for edk2-stable202502).
struct Edk2Version {
    int year = 0;
    int month = 0;
    // Accepts "YYYY.MM", "YYYYMM" and "edk2-stableYYYYMM"; throws InputError naming `what`.
    static Edk2Version parse(std::string_view text, std::string_view what = "edk2-version");
    std::string to_string() const;
    auto operator<=>(const Edk2Version&) const = default;
};

// QEMU release as MAJOR.MINOR (a micro version is accepted and ignored).
struct QemuVersion {
    int major = 0;
    int minor = 0;
    static QemuVersion parse(std::string_view text, std::string_view what = "qemu-version");
    std::string to_string() const;
    auto operator<=>(const QemuVersion&) const = default;
};

// edk2 OvmfPkg release history: the measurement rules change at these edk2 releases.
inline constexpr Edk2Version kEdk2FirstTdxMeasurement{2023, 2};  // TdTcg2Dxe in OvmfPkgX64 (4d37059d)
inline constexpr Edk2Version kEdk2SeparatorFix{2024, 11};        // efaf893: ReadyToBoot separator -> RTMR1
inline constexpr Edk2Version kEdk2FwCfgEvents{2025, 5};          // QemuFwCfgCacheInit measures fw_cfg items
inline constexpr Edk2Version kEdk2InitrdPrefix{2025, 8};         // a2ac0fea "Prefix initrd=initrd in cmdline"

// QEMU hw/i386/x86-common.c, x86_load_linux: "x86/loader: Don't update kernel header for CoCo VMs" first ships in
// QEMU 10.2.
inline constexpr QemuVersion kQemuUnpatchedCocoKernel{10, 2};

}  // namespace ccvm::tdx
