// The launch measurement a spec's VM will report, computed from the same VmSpec the XML comes from.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ccvm/firmware-measure/registers.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

struct Measurement {
    std::string name;  // the spec's VM name
    TeeKind tee = TeeKind::none;
    // Every register of the family: a value, or in not_computed with why (register_names(tee)).
    Registers registers;
    // The initdata binding the evidence must carry (SNP HOST_DATA, TDX MRCONFIGID, CCA personalization
    // value), when the spec names initdata.
    std::optional<Bytes> init_data;

    bool operator==(const Measurement&) const = default;
};

// Throws InputError for a boot file the spec names that cannot be read or measured.
Measurement measure_spec(const VmSpec& spec);

// The registers a VM of `tee` reports at launch, in report order: the order in which output lists them.
std::vector<std::string> register_names(TeeKind tee);

}  // namespace ccvm::platform
