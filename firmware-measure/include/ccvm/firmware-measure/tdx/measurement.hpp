// The TDX measurement engine (Intel TDVF design guide): firmware, kernel, initrd, cmdline and host profile in,
// MRTD, RTMR0..3 and the per-event log out. A register whose inputs are missing is reported as
// not computed, with the reason; the others are still computed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/tdx/acpi_blobs.hpp"
#include "ccvm/firmware-measure/tdx/event.hpp"
#include "ccvm/firmware-measure/tdx/mrtd.hpp"
#include "ccvm/firmware-measure/tdx/tdvf_metadata.hpp"
#include "ccvm/firmware-measure/tdx/versions.hpp"

namespace ccvm::tdx {

struct TdxInputs {
    ByteSpan firmware;
    std::string firmware_name = "firmware";
    std::optional<ByteSpan> kernel;
    std::string kernel_name = "kernel";
    std::optional<ByteSpan> initrd;
    std::string cmdline;
    std::optional<std::uint64_t> memory;
    std::optional<std::vector<AcpiBlob>> acpi;  // table-loader first (load_acpi_blobs)
    std::optional<ByteSpan> smbios;             // guest SMBIOS structure table (edk2 >= 2025.05)
    std::string smbios_name = "SMBIOS table";
    std::optional<Edk2Version> edk2;
    std::optional<QemuVersion> qemu;
    std::optional<PageAddOrder> page_add_order;
};

struct RegisterValue {
    std::optional<Sha384Digest> value;
    std::string reason;  // why it was not computed (empty when it was)
    std::string note;    // why a computed value is trivially zero, if it is
};

struct TdxMeasurement {
    TdvfMetadata metadata;
    MrtdStats mrtd_stats;
    RegisterValue mrtd;
    std::array<RegisterValue, kRtmrCount> rtmr;
    std::vector<Event> events;  // RTMR0 events, then RTMR1, RTMR2 (computed registers only)
};

// Hashes firmware, kernel and initrd concurrently. Throws InputError for malformed inputs
// (firmware without TDX metadata, kernel that is not PE/COFF, ...).
TdxMeasurement measure_tdx(const TdxInputs& in);

}  // namespace ccvm::tdx
