// The secret table OVMF copies into the guest (Linux drivers/virt/coco/efi_secret/efi_secret.c, Linux efi_secret
// format): a GUIDed header followed by GUIDed entries, padded to the AES block size in one of two incompatible styles.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "ccvm/base/guid.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::secret {

// Linux drivers/virt/coco/efi_secret/efi_secret.c: table header GUID and the well-known grub cryptodisk entry.
inline const Guid kSecretTableGuid = Guid::parse("1e74f542-71dd-4d66-963e-ef4287ff173b");
inline const Guid kLuksKeyGuid = Guid::parse("736869e5-84f0-4973-92ec-06879ce3da0b");
// Linux drivers/virt/coco/efi_secret/efi_secret.c: 16-byte GUID + u32 length, for the header and for every entry.
inline constexpr std::size_t kSecretTableHeaderSize = 20;
inline constexpr std::size_t kSecretEntryHeaderSize = 20;

// Linux drivers/virt/coco/efi_secret/efi_secret.c: libvirt always appends 16 - len % 16 zero bytes (a whole block when
// already aligned); sevctl rounds up to a multiple of 16 (nothing when aligned).
enum class Padding { libvirt, sevctl };

// "libvirt" or "sevctl"; InputError naming `flag` otherwise.
Padding parse_padding(std::string_view text, std::string_view flag);

struct SecretEntry {
    Guid guid;
    SecretBytes data;
};

// A GUID in text form, or a well-known entry name (`luks-key`).
Guid parse_secret_guid(std::string_view name_or_guid);

// Unpadded length: 20 + sum(20 + data) (the value stored in the header's total_len).
std::size_t secret_table_length(std::span<const SecretEntry> entries);
// Length after padding (what gets encrypted and what the firmware writes into guest memory).
std::size_t padded_secret_table_length(std::size_t table_length, Padding padding);

// Header || entries in order || zero padding. Rejects an empty entry list and duplicate GUIDs.
SecretBytes build_secret_table(std::span<const SecretEntry> entries, Padding padding);

}  // namespace ccvm::secret
