// The measurement plan: the explicit list of measured RMI/RSI operations the engine replays
// (veraison/cca-realm-measurements; tests/data/vectors/README.md, "CCA plan format").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <variant>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/json_fwd.hpp"
#include "ccvm/firmware-measure/cca/realm_params.hpp"
#include "ccvm/firmware-measure/cca/rec_descriptor.hpp"

namespace ccvm::cca {

struct InitRipasOp {
    std::uint64_t base = 0;
    std::uint64_t top = 0;
};
// Measured DATA: bytes from a file (mapped at replay) or inline.
struct DataOp {
    std::uint64_t ipa = 0;
    std::variant<std::filesystem::path, Bytes> source;
};
struct DataUnmeasuredOp {
    std::uint64_t ipa = 0;
    std::uint64_t size = 0;
};
struct RecOp {
    RecParams params;
};
struct RemExtendOp {
    std::size_t index = 0;
    Bytes data;
};
using PlanOp = std::variant<InitRipasOp, DataOp, DataUnmeasuredOp, RecOp, RemExtendOp>;

struct Plan {
    RealmParams realm_params;
    RmmVersion rmm_version = RmmVersion::v1_0;
    std::vector<PlanOp> ops;
};

// Parses and validates a plan; relative "file" paths resolve against `base_dir`. Every error is
// an InputError naming `source` and the offending field (e.g. "ops[3].ipa").
Plan parse_plan(std::string_view text, const std::filesystem::path& base_dir, std::string_view source);
// Reads PLAN.json; its "file" entries are relative to the plan's directory.
Plan load_plan(const std::filesystem::path& path);

// The plan in its JSON form (files as given paths), e.g. to save what a VMM layout produced.
json::Value to_json(const Plan& plan);

}  // namespace ccvm::cca
