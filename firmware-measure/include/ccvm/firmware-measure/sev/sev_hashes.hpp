// SEV kernel-hashes table (QEMU target/i386/sev.c, SevHashTable): the table QEMU writes for `-kernel/-initrd/-append`
// with kernel-hashes=on, measured by SEV/SEV-ES (appended to the launch data) and SNP (in a page).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"

namespace ccvm::sev {

// QEMU target/i386/sev.c, SevHashTable: 168 bytes of table, zero-padded to a multiple of 16.
inline constexpr std::size_t kHashesTableLen = 168;
inline constexpr std::size_t kPaddedHashesTableLen = 176;
inline constexpr std::size_t kPageSize = 4096;

using KernelHashesTable = std::array<std::byte, kPaddedHashesTableLen>;
using Page = std::array<std::byte, kPageSize>;

// The three SHA-256 values the table carries.
struct KernelHashes {
    Sha256Digest cmdline{};  // SHA-256(append ‖ NUL); no or empty append -> SHA-256("\0")
    Sha256Digest initrd{};   // SHA-256(initrd); no initrd -> SHA-256("")
    Sha256Digest kernel{};   // SHA-256(kernel file)
};

// Hashes kernel, initrd and cmdline (the two files in parallel).
KernelHashes hash_kernel_inputs(ByteSpan kernel, std::optional<ByteSpan> initrd,
                                std::optional<std::string_view> append);

KernelHashesTable build_kernel_hashes_table(const KernelHashes& hashes);
KernelHashesTable build_kernel_hashes_table(ByteSpan kernel, std::optional<ByteSpan> initrd,
                                            std::optional<std::string_view> append);

// A zeroed 4 KiB page holding the table at `offset` (the hash-table GPA's offset in its page);
// throws InputError when the table does not fit.
Page kernel_hashes_page(const KernelHashesTable& table, std::size_t offset);

}  // namespace ccvm::sev
