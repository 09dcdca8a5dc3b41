#include "ccvm/firmware-measure/tdx/qemu_fw_cfg_items.hpp"

#include <algorithm>

#include "ccvm/base/error.hpp"

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
    // A fixed-size record: the tag, then the name NUL-padded to the fw_cfg file name field. Sized
    // up front and copied into: for appends to an empty vector GCC 12 at -O3 reports a false
    // -Wstringop-overflow inside libstdc++'s inlined vector insert.
    Bytes out(kFwCfgEventTag.size() + kFwCfgFileNameSize, std::byte{0});
    const ByteSpan tag = as_bytes(kFwCfgEventTag);
    const ByteSpan name = as_bytes(item_name);
    std::copy(name.begin(), name.end(), std::copy(tag.begin(), tag.end(), out.begin()));
    return out;
}

std::vector<FwCfgItem> direct_boot_fw_cfg_items() {
    std::vector<FwCfgItem> items;
    items.push_back({"BootMenu", Bytes(2, std::byte{0})});
    items.push_back({"bootorder", Bytes(as_bytes(kLinuxbootBootorder).begin(), as_bytes(kLinuxbootBootorder).end())});
    return items;
}

}  // namespace ccvm::tdx
