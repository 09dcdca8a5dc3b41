#include "ccvm/firmware-measure/sev/vcpu_types.hpp"

namespace ccvm::sev {

std::uint32_t cpu_sig(std::uint32_t family, std::uint32_t model, std::uint32_t stepping) noexcept {
    // Families above 0xF put 0xF in the base field and the excess in the extended family field.
    const std::uint32_t family_low = family > 0xF ? 0xF : family;
    const std::uint32_t family_high = family > 0xF ? ((family - 0xF) & 0xFF) : 0;
    return (family_high << 20) | (((model >> 4) & 0xF) << 16) | (family_low << 8) | ((model & 0xF) << 4) |
           (stepping & 0xF);
}

const std::vector<VcpuType>& vcpu_types() {
    // AMD64 APM vol. 2 Table B-4, VMSA layout; names as in QEMU's builtin_x86_defs / sev-snp-measure 0.0.13 CPU_SIGS.
    static const std::vector<VcpuType> types = {
        {"EPYC", 23, 1, 2},          {"EPYC-v1", 23, 1, 2},       {"EPYC-v2", 23, 1, 2},
        {"EPYC-IBPB", 23, 1, 2},     {"EPYC-v3", 23, 1, 2},       {"EPYC-v4", 23, 1, 2},
        {"EPYC-Rome", 23, 49, 0},    {"EPYC-Rome-v1", 23, 49, 0}, {"EPYC-Rome-v2", 23, 49, 0},
        {"EPYC-Rome-v3", 23, 49, 0}, {"EPYC-Milan", 25, 1, 1},    {"EPYC-Milan-v1", 25, 1, 1},
        {"EPYC-Milan-v2", 25, 1, 1}, {"EPYC-Genoa", 25, 17, 0},   {"EPYC-Genoa-v1", 25, 17, 0},
        {"EPYC-Turin", 26, 0, 0},
    };
    return types;
}

std::optional<std::uint32_t> vcpu_sig_for_type(std::string_view name) {
    for (const VcpuType& t : vcpu_types())
        if (t.name == name) return cpu_sig(t.family, t.model, t.stepping);
    return std::nullopt;
}

std::string known_vcpu_types() {
    std::string out;
    for (const VcpuType& t : vcpu_types()) {
        if (!out.empty()) out += ", ";
        out += t.name;
    }
    return out;
}

}  // namespace ccvm::sev
