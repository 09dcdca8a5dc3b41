// QEMU fw_cfg read through its DMA interface, driven over qtest (docs/specs/fw_cfg.rst).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "acpi/qtest_session.hpp"
#include "ccvm/base/bytes.hpp"

namespace ccvm::cli {

struct FwCfgFile {
    std::string name;
    std::uint32_t size = 0;
    std::uint16_t select = 0;
};

class FwCfg {
public:
    // Checks the "QEMU" signature and the DMA feature bit; throws SystemError otherwise.
    explicit FwCfg(QtestSession& qemu);
    std::vector<FwCfgFile> files();
    // Selects `key` (running QEMU's select callback, e.g. the ACPI rebuild) and reads `size` bytes.
    Bytes read(std::uint16_t key, std::uint32_t size);

private:
    QtestSession& qemu_;
};

}  // namespace ccvm::cli
