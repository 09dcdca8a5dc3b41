// A TDX measurement as the shared step trace (`--trace`, `ccvm measure diff`): one step per TDVF
// section (MRTD) and one per event (RTMR0..2), each with the RTMR value after it.
#pragma once

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/sev/measure_trace.hpp"
#include "ccvm/firmware-measure/tdx/measurement.hpp"

namespace ccvm::cli {

// Step types: "MRTD:<section type>" (GPA = section GPA, contents = SHA-384 of the section's raw
// data, digest after = MRTD) and "RTMR<i>:<event type>" (contents = event digest, digest after =
// that RTMR after the extend).
sev::Trace tdx_trace(const tdx::TdxMeasurement& m, ByteSpan firmware);

// What a differing step of this type points at, for `measure diff`; empty for non-TDX steps.
std::string tdx_step_explanation(const std::string& type, bool contents_differ);

}  // namespace ccvm::cli
