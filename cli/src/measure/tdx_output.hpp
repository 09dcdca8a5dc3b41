// Output forms of a TDX measurement, shared by `ccvm measure --mode tdx` and `ccvm eventlog replay`.
#pragma once

#include <string>

#include "ccvm/base/json_fwd.hpp"
#include "ccvm/firmware-measure/tdx/measurement.hpp"

namespace ccvm::cli {

// {"mrtd", "rtmr0".."rtmr3" (lowercase hex or null), "not_computed": {reg: reason},
//  "notes": {reg: why a computed value is zero}, "events": [...]}
json::Value tdx_measurement_json(const tdx::TdxMeasurement& m);
// Five lines: mrtd, rtmr0..rtmr3 (hex, or "not computed: <reason>").
std::string tdx_measurement_hex(const tdx::TdxMeasurement& m);
json::Value tdx_event_json(const tdx::Event& e);

}  // namespace ccvm::cli
