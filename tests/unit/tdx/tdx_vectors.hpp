// Access to tdx_primitives.json for the TDX unit tests.
#pragma once

#include <stdexcept>
#include <string>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "support/paths.hpp"

namespace ccvm::test::tdx {

inline const json::Value& primitives() {
    static const json::Value doc =
        json::parse(read_text_file(vectors_dir() / "tdx_primitives.json"), "tdx_primitives.json");
    return doc;
}

inline const json::Value& primitive(const std::string& id) {
    for (const auto& p : json::get_array(json::at(primitives(), "primitives")))
        if (json::get_string(json::at(p, "id")) == id) return p;
    throw std::runtime_error("tdx_primitives.json has no primitive " + id);
}

inline std::string firmware_path(const std::string& tdvf_id) {
    return substitute(json::get_string(json::at(primitive(tdvf_id), "file")));
}

inline std::filesystem::path kernel_path() { return inputs_dir() / "kernel" / "vmlinuz-6.1.0-56-amd64"; }
inline std::filesystem::path acpi_dir(const std::string& name) { return inputs_dir() / "tdx" / "acpi" / name; }

}  // namespace ccvm::test::tdx
