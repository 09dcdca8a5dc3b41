// The TEE families `ccvm measure` dispatches to; each lives in its own file under measure/.
#pragma once

#include <string>
#include <vector>

#include "measure/measure_args.hpp"
#include "mode_flags.hpp"

namespace ccvm::cli {

const std::vector<MeasureFamily>& measure_families();
std::string known_modes();
// The flags each --mode takes (measure_families.cpp).
const ModeFlagTable& measure_flag_table();

}  // namespace ccvm::cli
