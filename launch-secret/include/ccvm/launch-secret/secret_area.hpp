// Where the firmware places the injected secret and how large it may be (Linux
// drivers/virt/coco/efi_secret/efi_secret.c).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm::secret {

// Linux drivers/virt/coco/efi_secret/efi_secret.c: the SEV API caps a LAUNCH_SECRET packet at 16 KiB.
inline constexpr std::size_t kMaxLaunchSecretSize = 16 * 1024;

// Payload of the OVMF footer entry 4c2eb361-… (edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm: u32 base, u32 size).
struct SecretArea {
    std::uint32_t base = 0;
    std::uint32_t size = 0;
};

// The firmware's secret area. InputError naming `source` when the image has no footer entry for it
// or reserves none (base or size 0, as in generic OvmfPkgX64 / Debian builds).
SecretArea find_secret_area(ByteSpan firmware, std::string_view source);

// Checks a padded secret table of `padded_length` bytes against the SEV API cap and, when given,
// the firmware's area; InputError stating both sizes otherwise.
void check_secret_fits(std::size_t padded_length, const std::optional<SecretArea>& area, std::string_view source = {});

}  // namespace ccvm::secret
