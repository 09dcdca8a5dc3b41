// QEMU's x86 direct-boot loader (hw/i386/x86-common.c x86_load_linux, QEMU hw/i386/x86-common.c, x86_load_linux): the
// Linux setup header bytes it serves through fw_cfg, which OVMF measures as part of the kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/tdx/versions.hpp"

namespace ccvm::tdx {

// QEMU hw/i386/x86-common.c, x86_load_linux: QEMU reserves this much below the top of low RAM for ACPI data.
inline constexpr std::uint64_t kQemuAcpiDataSize = 0x28000;
// Linux boot protocol: setup header field ramdisk_image, where QEMU writes the initrd address.
inline constexpr std::size_t kRamdiskImage = 0x218;

// The fields of the Linux x86 boot protocol setup header that QEMU reads.
struct SetupHeader {
    std::uint16_t protocol = 0;         // 0x206, 0 when there is no "HdrS" magic
    std::size_t setup_size = 0;         // (setup_sects + 1) * 512: the part QEMU serves as "setup"
    std::uint8_t loadflags = 0;         // 0x211
    std::uint16_t xloadflags = 0;       // 0x236 (protocol >= 2.12)
    std::uint32_t initrd_addr_max = 0;  // 0x22c (protocol >= 2.03)
    std::string kernel_version;         // text at kernel_version + 0x200, empty if absent
};

SetupHeader parse_setup_header(ByteSpan kernel, std::string_view source = "kernel");

// Linux release "MAJOR.MINOR" from the setup header's version string, if it has one.
std::optional<std::pair<int, int>> linux_release(const SetupHeader& header);

// QEMU hw/i386/x86-common.c, x86_load_linux: QEMU >= 10.2 serves confidential guests the unmodified file.
constexpr bool qemu_patches_setup_header(QemuVersion qemu) noexcept { return qemu < kQemuUnpatchedCocoKernel; }

struct QemuLoadParams {
    std::uint64_t memory = 0;                  // guest RAM in bytes (q35 split applies)
    std::optional<std::uint64_t> initrd_size;  // with -initrd
    std::string_view cmdline;                  // -append (only vga= matters)
};

// The first setup_size bytes of `kernel` after QEMU's patch. Throws InputError naming `source`
// for kernels QEMU would refuse (boot protocol < 2.02, initrd larger than the space below it).
Bytes qemu_patched_setup(ByteSpan kernel, const QemuLoadParams& params, std::string_view source = "kernel");

}  // namespace ccvm::tdx
