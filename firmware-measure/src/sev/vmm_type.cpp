#include "ccvm/firmware-measure/sev/vmm_type.hpp"

#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::sev {

VmmType parse_vmm_type(std::string_view text) {
    // Spelled as sev-snp-measure's VMMType enum members.
    if (text == "QEMU") return VmmType::qemu;
    if (text == "ec2") return VmmType::ec2;
    if (text == "gce") return VmmType::gce;
    throw InputError("vmm-type: unknown VMM type '" + std::string(text) + "' (known: QEMU, ec2, gce)");
}

std::string_view to_string(VmmType vmm) noexcept {
    switch (vmm) {
        case VmmType::qemu:
            return "QEMU";
        case VmmType::ec2:
            return "ec2";
        case VmmType::gce:
            return "gce";
    }
    return "?";
}

}  // namespace ccvm::sev
