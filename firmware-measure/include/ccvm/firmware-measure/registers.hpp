// The launch registers a measurement produces and evidence is compared against: one typed value that
// flows from measure_spec through the verifier to the daemon (no JSON text in between).
#pragma once

#include <map>
#include <string>

#include "ccvm/base/bytes.hpp"

namespace ccvm {

struct Registers {
    // Register name as `ccvm measure` prints it (launch_digest, mrtd, rtmr0..3, rim, rem0..3, ...)
    // -> its value.
    std::map<std::string, Bytes> values;
    // Registers the measurement could not determine for this VM -> why (e.g. "RTMRs of a TD booted
    // from disk depend on its boot chain"). A verifier must never treat these as matching.
    std::map<std::string, std::string> not_computed;

    bool operator==(const Registers&) const = default;
};

}  // namespace ccvm
