// Helpers shared by the CSV unit tests: vector lookup and byte conversions.
#pragma once

#include <string>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "support/paths.hpp"

namespace ccvm::test::csv {

inline const json::Value& primitives() {
    static const json::Value doc = json::parse(read_text_file(vectors_dir() / "csv_primitives.json"));
    return doc;
}

inline const json::Value& primitive(const std::string& id) {
    for (const auto& p : json::get_array(json::at(primitives(), "primitives")))
        if (json::get_string(json::at(p, "id")) == id) return p;
    throw std::runtime_error("csv_primitives.json has no primitive " + id);
}

inline Bytes hex(const json::Value& v) { return from_hex(json::get_string(v)); }

inline Bytes input_file(const std::string& rel) { return read_file(inputs_dir() / rel); }

}  // namespace ccvm::test::csv
