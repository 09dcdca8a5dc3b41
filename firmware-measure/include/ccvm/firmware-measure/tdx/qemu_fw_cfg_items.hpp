// The QEMU fw_cfg items TDVF (edk2 >= stable202505, QemuFwCfgCacheInit.c) caches in SEC/PEI and
// measures into RTMR0 as EV_PLATFORM_CONFIG_FLAGS "QEMU FW CFG" events (edk2 OvmfPkg release history).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ccvm/base/bytes.hpp"

namespace ccvm::tdx {

// QemuFwCfgCacheInit.c: FW_CFG_EVENT = "QEMU FW CFG\0" (12 bytes) || file name in 56 bytes
// (QEMU_FW_CFG_FNAME_SIZE), zero padded. The digest covers the item data only.
inline constexpr std::size_t kFwCfgFileNameSize = 56;
Bytes fw_cfg_event_data(std::string_view item_name);

struct FwCfgItem {
    std::string name;  // as in edk2's mCacheFwCfgList ("BootMenu", "bootorder", ...)
    Bytes data;        // the item bytes QEMU serves
};

// The measured items of a direct-kernel-boot TD on QEMU's defaults, in edk2's list order
// (etc/extra-pci-roots, BootMenu, etc/boot-menu-wait, etc/reserved-memory-end,
// opt/ovmf/X-PciMmio64Mb, bootorder), absent items skipped:
// - BootMenu (FW_CFG_BOOT_MENU, always present): u16 0 without `-boot menu=on`.
// - bootorder: QEMU's -kernel loader registers the option ROM linuxboot_dma.bin (fw_cfg DMA is
//   on for q35) with bootindex 0, so the file is "/rom@genroms/linuxboot_dma.bin\0".
// The other items exist only with pxb roots, a boot splash time, memory hotplug or a user
// -fw_cfg and are not modelled.
std::vector<FwCfgItem> direct_boot_fw_cfg_items();

}  // namespace ccvm::tdx
