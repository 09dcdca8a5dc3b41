#include "ccvm/firmware-measure/tdx/load_options.hpp"

namespace ccvm::tdx {

std::string load_options_text(std::string_view cmdline, bool has_initrd, Edk2Version edk2) {
    // Linux drivers/firmware/efi/libstub: edk2 >= stable202508 prefixes "initrd=initrd ", older releases append "
    // initrd=initrd".
    if (edk2 >= kEdk2InitrdPrefix) return (has_initrd ? "initrd=initrd " : "") + std::string(cmdline);
    return std::string(cmdline) + (has_initrd ? " initrd=initrd" : "");
}

Bytes utf16le(std::string_view text) {
    Bytes out;
    out.reserve(text.size() * 2);
    for (char c : text) {
        out.push_back(std::byte(static_cast<unsigned char>(c)));
        out.push_back(std::byte{0});
    }
    return out;
}

Bytes load_options(std::string_view cmdline, bool has_initrd, Edk2Version edk2) {
    const std::string text = load_options_text(cmdline, has_initrd, edk2);
    if (text.empty()) return {};
    Bytes out = utf16le(text);
    out.push_back(std::byte{0});
    out.push_back(std::byte{0});
    return out;
}

}  // namespace ccvm::tdx
