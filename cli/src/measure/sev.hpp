// The AMD SEV family of `ccvm measure` (modes sev, seves, snp, snp:ovmf-hash, snp:svsm).
#pragma once

#include "measure/measure_args.hpp"

namespace ccvm::cli {

int run_sev_measure(const MeasureArgs& args);

}  // namespace ccvm::cli
