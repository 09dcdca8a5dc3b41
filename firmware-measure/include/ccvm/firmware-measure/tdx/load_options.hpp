// LoadOptions that OVMF X86QemuLoadImageLib gives the kernel from QEMU -append (Linux drivers/firmware/efi/libstub); a
// Linux >= 6.9 EFI stub measures exactly these bytes into RTMR2.
#pragma once

#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/tdx/versions.hpp"

namespace ccvm::tdx {

// The option text before UTF-16 encoding; empty when OVMF passes no LoadOptions at all.
std::string load_options_text(std::string_view cmdline, bool has_initrd, Edk2Version edk2);

// UTF-16LE of the text plus the UTF-16 NUL; empty when there are no LoadOptions.
Bytes load_options(std::string_view cmdline, bool has_initrd, Edk2Version edk2);

// ASCII/Latin-1 text to UTF-16LE without terminator (OVMF converts the fw_cfg bytes one by one).
Bytes utf16le(std::string_view text);

}  // namespace ccvm::tdx
