#include "ccvm/firmware-measure/tdx/qemu_fw_cfg_items.hpp"

#include "ccvm/firmware-measure/error.hpp"

namespace ccvm::tdx {
namespace {

// QemuFwCfgCacheInit.c EV_POSTCODE_INFO_QEMU_FW_CFG_DATA, measured with its NUL.
constexpr std::string_view kFwCfgEventTag{"QEMU FW CFG\0", 12};
// QEMU hw/i386/x86-common.c: the -kernel option ROM when fw_cfg DMA is available.
constexpr std::string_view kLinuxbootBootorder{"/rom@genroms/linuxboot_dma.bin\0", 31};

}  // namespace

Bytes fw_cfg_event_data(std::string_view item_name) {
    if (item_name.size() >= kFwCfgFileNameSize) {
        throw SystemError("internal: fw_cfg item name '" + std::string(item_name) + "' longer than 55 bytes");
    }
    Bytes out;
    append(out, as_bytes(kFwCfgEventTag));
    append(out, as_bytes(item_name));
    out.resize(kFwCfgEventTag.size() + kFwCfgFileNameSize, std::byte{0});
    return out;
}

std::vector<FwCfgItem> direct_boot_fw_cfg_items() {
    std::vector<FwCfgItem> items;
    items.push_back({"BootMenu", Bytes(2, std::byte{0})});
    items.push_back({"bootorder", Bytes(as_bytes(kLinuxbootBootorder).begin(), as_bytes(kLinuxbootBootorder).end())});
    return items;
}

}  // namespace ccvm::tdx
