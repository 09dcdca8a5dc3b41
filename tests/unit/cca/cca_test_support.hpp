// Shared helpers for the CCA unit tests: the vector cases and their plans.
#pragma once

#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "support/paths.hpp"

namespace ccvm::test {

inline const json::Value& cca_case(const std::string& file, const std::string& id) {
    static json::Value rim = json::parse(read_text_file(vectors_dir() / "cca_rim.json"));
    static json::Value model = json::parse(read_text_file(vectors_dir() / "cca_model.json"));
    const json::Value& doc = file == "cca_rim" ? rim : model;
    for (const json::Value& c : json::get_array(json::at(doc, "cases")))
        if (json::get_string(json::at(c, "id")) == id) return c;
    throw std::runtime_error("no vector case " + id);
}

// The expected RIM of a case.
inline std::string expected_rim(const std::string& file, const std::string& id) {
    return json::get_string(json::at(json::at(json::at(cca_case(file, id), "expect"), "json"), "rim"));
}

inline std::filesystem::path cca_plan_path(const std::string& name) {
    return inputs_dir() / ("cca-plan-" + name + ".json");
}

}  // namespace ccvm::test
