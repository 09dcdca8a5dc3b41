// TCB_VERSION: the SPL of each firmware component packed in 64 bits
// (SEV-SNP ABI spec, "TCB_VERSION Structure"; Turin moves the fields and adds FMC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ccvm::attestation::snp {

struct TcbVersion {
    std::optional<std::uint8_t> fmc;  // Turin (family 0x1A) only
    std::uint8_t bootloader = 0;
    std::uint8_t tee = 0;
    std::uint8_t snp = 0;
    std::uint8_t microcode = 0;

    bool operator==(const TcbVersion&) const = default;
    std::string to_string() const;  // "bl=3 tee=0 snp=8 ucode=115"
};

// Milan and Genoa: bootloader byte 0, tee byte 1, snp byte 6, microcode byte 7.
// Turin: fmc byte 0, bootloader byte 1, tee byte 2, snp byte 3, microcode byte 7.
TcbVersion decode_tcb_version(std::uint64_t raw, bool turin_layout) noexcept;

}  // namespace ccvm::attestation::snp
