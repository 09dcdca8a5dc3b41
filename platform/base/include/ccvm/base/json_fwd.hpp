// The JSON document type without nlohmann-json's full header (about 2.5 s of compile time per translation
// unit): for headers that only pass documents around. Files that build or read JSON include ccvm/base/json.hpp.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace ccvm::json {

// Objects keep insertion order because CLI output depends on it.
using Value = nlohmann::ordered_json;

}  // namespace ccvm::json
