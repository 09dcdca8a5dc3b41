// One record per measurement step, for `--trace` and `ccvm measure diff`: what was measured where,
// the hash of its contents and the launch digest after the step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccvm/base/bytes.hpp"

namespace ccvm::sev {

struct MeasureStep {
    std::string type;                  // SNP page type ("NORMAL", "VMSA", ...) or SEV/SEV-ES data ("FIRMWARE", ...)
    std::optional<std::uint64_t> gpa;  // absent for SEV/SEV-ES stream data without an address
    Bytes contents;                    // SNP: PAGE_INFO CONTENTS field; SEV/SEV-ES: SHA-256 of the data
    Bytes digest_after;                // launch digest after this step (SEV/SEV-ES: of the stream so far)
    bool operator==(const MeasureStep&) const = default;
};

using Trace = std::vector<MeasureStep>;

}  // namespace ccvm::sev
