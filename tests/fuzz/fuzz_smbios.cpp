// Fuzzes the SMBIOS structure walker and SmbiosMeasurementDxe filter (TDX RTMR0, edk2 >= 2025.05).
#include <cstddef>
#include <cstdint>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/tdx/smbios_measurement.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ccvm::ByteSpan table(reinterpret_cast<const std::byte*>(data), size);
    try {
        (void)ccvm::tdx::smbios_measured_table(table, "fuzz");
    } catch (const ccvm::Error&) {}
    return 0;
}
