// Access to sev_primitives.json and the files it names, for the SEV unit tests.
#pragma once

#include <stdexcept>
#include <string>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "support/paths.hpp"

namespace ccvm::test::sev_vectors {

inline const json::Value& doc() {
    static const json::Value d =
        json::parse(read_text_file(vectors_dir() / "sev_primitives.json"), "sev_primitives.json");
    return d;
}

inline const json::Value& primitive(const std::string& id) {
    for (const auto& p : json::get_array(json::at(doc(), "primitives")))
        if (json::get_string(json::at(p, "id")) == id) return p;
    throw std::runtime_error("sev_primitives.json has no primitive " + id);
}

// Path of a short file name from "sev-file-names".
inline std::string file_path(const std::string& short_name) {
    return substitute(json::get_string(json::at(json::at(primitive("sev-file-names"), "files"), short_name)));
}

inline std::string hex(ByteSpan b) { return to_hex(b); }

}  // namespace ccvm::test::sev_vectors
