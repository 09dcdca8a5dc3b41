// Hygon CSV launch digest (Hygon QEMU target/i386/csv.c). MODEL, not validated on Hygon hardware: SM3 over the
// plaintext the PSP launch commands receive, in QEMU order — the whole OVMF image, then (with
// kernel-hashes=on) the 176-byte SEV kernel-hashes table whose entries stay SHA-256, then for
// CSV2/CSV3 the register-state pages (LAUNCH_UPDATE_VMSA / LAUNCH_ENCRYPT_VMCB).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/sev/firmware_image.hpp"
#include "ccvm/firmware-measure/sev/sev_hashes.hpp"

namespace ccvm::csv {

// Hygon QEMU target/i386/csv.c: CSV1 ~ SEV, CSV2 ~ SEV-ES (encrypted register state), CSV3 adds memory isolation.
enum class Generation { csv1, csv2, csv3 };

std::string_view to_string(Generation g) noexcept;

// A register-state page (VMSA for CSV2, VMCB for CSV3) is one 4 KiB page, as SEV-ES's VMSA.
inline constexpr std::size_t kRegisterStatePageSize = sev::kPageSize;

struct LaunchDigestInput {
    Generation generation = Generation::csv1;
    const sev::FirmwareImage* firmware = nullptr;
    std::optional<sev::KernelHashesTable>
        kernel_hashes_table;  // QEMU target/i386/sev.c, SevHashTable, unchanged for CSV
    // CSV2/CSV3 only: user-captured register-state pages in vCPU order. Hygon's VMSA/VMCB layout
    // is not public, so ccvm cannot build them.
    std::span<const ByteSpan> register_state_pages;
};

// Throws InputError when the input does not fit: a table for firmware without a kernel-hashes
// area, no pages for CSV2/CSV3, pages for CSV1, or a page that is not 4096 bytes.
Sm3Digest launch_digest(const LaunchDigestInput& in);

}  // namespace ccvm::csv
