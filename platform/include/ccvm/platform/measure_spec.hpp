// The launch measurement a spec's VM will report, computed from the same VmSpec the XML comes from.
#pragma once

#include "ccvm/base/json.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

// {"name", "tee", "registers": {name: hex or null}, "not_computed": {name: reason}} with every
// register of the family; a register ccvm cannot precompute is null and says why.
json::Value measure_spec(const VmSpec& spec);

}  // namespace ccvm::platform
