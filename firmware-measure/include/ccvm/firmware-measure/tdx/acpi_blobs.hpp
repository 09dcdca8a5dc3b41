// The QEMU ACPI fw_cfg files TDVF measures into RTMR0 (edk2 OvmfPkg/IntelTdx, TdTcg2Dxe; QEMU
// hw/acpi/bios-linker-loader.c): the whole etc/table-loader, then every blob it ALLOCATEs, in loader command order,
// before any patching.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/base/bytes.hpp"

namespace ccvm::tdx {

// QEMU hw/acpi/bios-linker-loader.c: 128-byte commands, file names up to 56 bytes.
inline constexpr std::size_t kLoaderCommandSize = 128;
inline constexpr std::size_t kLoaderFileNameSize = 56;
inline constexpr std::string_view kTableLoaderName = "etc/table-loader";

struct AcpiBlob {
    std::string fw_cfg_name;  // e.g. "etc/acpi/rsdp"
    Bytes data;
};

// fw_cfg name -> file name in an ACPI directory: '/' becomes '_' ("etc/acpi/rsdp" -> "etc_acpi_rsdp").
std::string acpi_file_name(std::string_view fw_cfg_name);

// File names of the loader's ALLOCATE commands in order; throws InputError naming `source` for a
// truncated loader or an unterminated name.
std::vector<std::string> loader_allocations(ByteSpan loader, std::string_view source = "etc/table-loader");

// Reads `dir`/etc_table-loader and each allocated blob; returns the loader first, then the blobs
// in measurement order. Throws InputError naming the missing file.
std::vector<AcpiBlob> load_acpi_blobs(const std::filesystem::path& dir);

}  // namespace ccvm::tdx
