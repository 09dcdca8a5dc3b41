// The Hygon CSV family of `ccvm measure` (modes csv, csv2, csv3).
#pragma once

#include "measure/measure_args.hpp"

namespace ccvm::cli {

int run_csv_measure(const MeasureArgs& args);

}  // namespace ccvm::cli
