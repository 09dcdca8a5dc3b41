// UEFI_VARIABLE_DATA as edk2 TdTcg2Dxe MeasureVariable logs it (edk2 OvmfPkg/IntelTdx, TdTcg2Dxe).
#pragma once

#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/guid.hpp"

namespace ccvm::tdx {

// edk2 OvmfPkg/IntelTdx, TdTcg2Dxe: EFI_GLOBAL_VARIABLE and EFI_IMAGE_SECURITY_DATABASE_GUID.
inline const Guid kEfiGlobalVariableGuid = Guid::parse("8be4df61-93ca-11d2-aa0d-00e098032b8c");
inline const Guid kImageSecurityDatabaseGuid = Guid::parse("d719b2cb-3d3a-4596-a3bc-dad00e67656f");

// GUID || u64 name length in chars (no NUL) || u64 data length || UTF-16LE name || data.
// An absent variable is measured with empty `data`.
Bytes uefi_variable_data(const Guid& vendor, std::string_view name, ByteSpan data = {});

}  // namespace ccvm::tdx
