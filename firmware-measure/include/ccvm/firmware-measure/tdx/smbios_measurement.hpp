// The SMBIOS structure table as edk2 SmbiosMeasurementDxe measures it at ReadyToBoot (OVMF >=
// stable202505, commit cd76265f "OvmfPkg: Enable Smbios measurement"): PCR1 -> RTMR0,
// EV_EFI_HANDOFF_TABLES, digest over the table with host-specific fields blanked (edk2 OvmfPkg release history).
#pragma once

#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm::tdx {

// `table` is the SMBIOS structure table the guest sees (Linux: /sys/firmware/dmi/tables/DMI).
// Returns the bytes SmbiosMeasurementDxe hashes: the structures up to and including the type 127
// end structure (GetSmbiosTableLength), each filtered by its blacklist (FilterSmbiosEntry).
// Throws InputError naming `source` and the offset for a truncated or malformed structure.
Bytes smbios_measured_table(ByteSpan table, std::string_view source);

}  // namespace ccvm::tdx
