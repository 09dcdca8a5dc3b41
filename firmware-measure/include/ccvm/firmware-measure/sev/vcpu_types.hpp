// vCPU signatures (CPUID Fn0000_0001 EAX) and the QEMU vCPU models sev-snp-measure names (AMD64 APM vol. 2 Table B-4,
// VMSA layout).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccvm::sev {

// AMD CPUID specification #25481, "CPUID Fn0000_0001_EAX Family, Model, Stepping Identifiers".
std::uint32_t cpu_sig(std::uint32_t family, std::uint32_t model, std::uint32_t stepping) noexcept;

struct VcpuType {
    std::string_view name;  // QEMU model name, e.g. "EPYC-Milan"
    std::uint32_t family, model, stepping;
};

// The QEMU builtin_x86_defs models of sev-snp-measure 0.0.13, in its order.
const std::vector<VcpuType>& vcpu_types();
std::optional<std::uint32_t> vcpu_sig_for_type(std::string_view name);
// "EPYC, EPYC-v1, ..." for error messages.
std::string known_vcpu_types();

}  // namespace ccvm::sev
