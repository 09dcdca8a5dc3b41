// The VMM whose initial vCPU state and page order a measurement follows (AMD SEV-SNP ABI spec (pub. 56860)
// SNP_LAUNCH_UPDATE; AMD64 APM vol. 2 Table B-4, VMSA layout).
#pragma once

#include <string_view>

namespace ccvm::sev {

enum class VmmType { qemu, ec2, gce };

// Accepts sev-snp-measure's names QEMU, ec2, gce; throws InputError listing them otherwise.
VmmType parse_vmm_type(std::string_view text);
std::string_view to_string(VmmType vmm) noexcept;

}  // namespace ccvm::sev
