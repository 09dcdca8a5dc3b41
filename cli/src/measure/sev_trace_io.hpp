// Text and JSON forms of a SEV-family measurement trace, and reading them back for `measure diff`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ccvm/base/json.hpp"
#include "ccvm/firmware-measure/sev/measure_trace.hpp"

namespace ccvm::cli {

// One line per step: "<index> <type> <gpa|-> <contents hex> <digest-after hex>", after a header line.
std::string render_trace_text(std::string_view mode, const sev::Trace& trace);
json::Value trace_to_json(const sev::Trace& trace);

// A saved `--trace` output or `--output-format json` output.
struct SavedMeasurement {
    std::optional<sev::Trace> trace;  // absent for JSON output made without --trace
    std::optional<std::string> digest;
    std::optional<json::Value> json;  // the whole document when it was JSON
};

SavedMeasurement parse_saved_measurement(std::string_view text, std::string_view source);

}  // namespace ccvm::cli
