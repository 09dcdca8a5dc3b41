#include "ccvm/attestation/snp/tcb_version.hpp"

namespace ccvm::attestation::snp {
namespace {
std::uint8_t byte_at(std::uint64_t raw, int i) noexcept { return static_cast<std::uint8_t>(raw >> (8 * i)); }
}  // namespace

TcbVersion decode_tcb_version(std::uint64_t raw, bool turin_layout) noexcept {
    TcbVersion t;
    if (turin_layout) {
        t.fmc = byte_at(raw, 0);
        t.bootloader = byte_at(raw, 1);
        t.tee = byte_at(raw, 2);
        t.snp = byte_at(raw, 3);
    } else {
        t.bootloader = byte_at(raw, 0);
        t.tee = byte_at(raw, 1);
        t.snp = byte_at(raw, 6);
    }
    t.microcode = byte_at(raw, 7);
    return t;
}

std::string TcbVersion::to_string() const {
    std::string s;
    if (fmc) s += "fmc=" + std::to_string(*fmc) + " ";
    s += "bl=" + std::to_string(bootloader) + " tee=" + std::to_string(tee) + " snp=" + std::to_string(snp) +
         " ucode=" + std::to_string(microcode);
    return s;
}

}  // namespace ccvm::attestation::snp
