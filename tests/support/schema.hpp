// Validation of generated domain XML against the shared libvirt RNG schema with xmllint.
#pragma once

#include <string>

#include "support/paths.hpp"
#include "support/process.hpp"

namespace ccvm::test {

// xmllint --relaxng against the shared libvirt schema; returns "" when valid, else xmllint's output.
inline std::string schema_errors(const std::string& xml) {
    const auto rng = (schema_dir() / "domain.rng").string();
    const ProcessResult r = run_process({"/usr/bin/xmllint", "--noout", "--relaxng", rng, "-"}, {}, xml);
    return r.exit_code == 0 ? std::string() : r.err + r.out;
}

}  // namespace ccvm::test
