// One record per measurement step, for `--trace` output and debugging a RIM mismatch.
#pragma once

#include <cstdint>
#include <vector>

#include "ccvm/base/bytes.hpp"

namespace ccvm::cca {

enum class TraceKind { realm_create, ripas, data, rec, rem_extend };

struct TraceEntry {
    TraceKind kind = TraceKind::realm_create;
    std::uint64_t base = 0;   // ripas: entry base; data: granule IPA
    std::uint64_t top = 0;    // ripas: entry top
    std::uint64_t flags = 0;  // data: RMI data flags; rec: REC flags
    std::size_t index = 0;    // rem_extend: REM index
    Bytes content;            // data/rec: content slot value; rem_extend: extended data
    Bytes result;             // RIM after the step (REM for rem_extend), digest length
};

using Trace = std::vector<TraceEntry>;

}  // namespace ccvm::cca
