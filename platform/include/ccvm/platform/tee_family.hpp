// One class per TEE family: the only place that knows how a family shapes the domain XML, which
// options it takes and what it measures. Callers use the interface and never branch on the kind.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/firmware-measure/registers.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "ccvm/platform/xml_element.hpp"

namespace ccvm::platform {

// The parts of a <domain> a family decides; render_domain_xml() assembles the document from them.
struct DomainParts {
    std::string arch = "x86_64";
    std::string machine = "q35";
    // How a firmware named by the spec is attached (<loader type= readonly= stateless=>).
    std::string loader_type = "pflash";
    bool loader_stateless = false;
    std::vector<XmlElement> features = {XmlElement("acpi"), XmlElement("apic")};
    std::vector<XmlElement> timers;            // <clock> children
    bool private_memory = false;               // <memoryBacking> anonymous + private access
    bool iommu_platform = false;               // virtio devices use the DMA API (bounce buffers)
    bool disable_suspend = false;              // <pm> suspend-to-mem/disk off
    std::optional<std::filesystem::path> dtb;  // <os><dtb>
    std::string on_reboot = "restart";
    std::optional<XmlElement> launch_security;
    std::vector<std::string> qemu_args;  // <qemu:commandline> passthrough arguments
};

class TeeFamily {
public:
    virtual ~TeeFamily() = default;
    virtual TeeKind kind() const noexcept = 0;
    // Fills in what this family requires; `parts` arrives with the plain-guest defaults.
    virtual void shape_domain(const VmSpec& spec, DomainParts& parts) const = 0;
    // Names of the registers the hardware reports at launch, in report order.
    virtual std::vector<std::string> registers() const = 0;
    // Expected values for registers(): each one either has a value or is in not_computed with why.
    virtual Registers measure(const VmSpec& spec) const = 0;
};

const TeeFamily& tee_family(TeeKind kind);

}  // namespace ccvm::platform
