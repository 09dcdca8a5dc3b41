// Hygon CSV launch digest (csv.md §4). MODEL, not validated on Hygon hardware: SM3 over the
// plaintext the PSP launch commands receive, in QEMU order — the whole OVMF image, then (with
// kernel-hashes=on) the 176-byte SEV kernel-hashes table whose entries stay SHA-256, then for
// CSV2/CSV3 the register-state pages (LAUNCH_UPDATE_VMSA / LAUNCH_ENCRYPT_VMCB).
#pragma once

#include <optional>
#include <span>

#include "ccvm/firmware-measure/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::csv {

// csv.md §2: CSV1 ~ SEV, CSV2 ~ SEV-ES (encrypted register state), CSV3 adds memory isolation.
enum class Generation { csv1, csv2, csv3 };

// sev.md §3: the padded kernel-hashes table CSV reuses unchanged.
inline constexpr std::size_t kKernelHashesTableSize = 176;
// A register-state page (VMSA for CSV2, VMCB for CSV3) is one 4 KiB page.
inline constexpr std::size_t kRegisterStatePageSize = 4096;

struct LaunchDigestInput {
    Generation generation = Generation::csv1;
    ByteSpan firmware;
    std::optional<ByteSpan> kernel_hashes_table;  // exactly 176 bytes when present
    // CSV2/CSV3 only: user-captured register-state pages in vCPU order (Hygon's layout is not
    // public, so ccvm cannot build them).
    std::span<const ByteSpan> register_state_pages;
};

// Throws InputError when the input does not fit the generation (no pages for CSV2/CSV3, pages
// for CSV1, a table or page of the wrong size).
Sm3Digest launch_digest(const LaunchDigestInput& in);

// The firmware's kernel-hashes area (OVMF footer GUID 7255371f-..., sev.md §1): InputError naming
// `source` when the firmware has none or its base is 0 (generic OVMF builds), as QEMU refuses
// kernel-hashes=on for such firmware.
void require_kernel_hashes_area(ByteSpan firmware, std::string_view source);

}  // namespace ccvm::csv
