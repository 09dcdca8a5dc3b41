// The TEE families `ccvm measure` dispatches to; each lives in its own file under measure/.
#pragma once

#include <string>
#include <vector>

#include "measure/measure_args.hpp"

namespace ccvm::cli {

const std::vector<MeasureFamily>& measure_families();
std::string known_modes();

}  // namespace ccvm::cli
