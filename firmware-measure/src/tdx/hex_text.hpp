// Numbers in error messages and event descriptions, as "0x..." (private to the TDX sources).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace ccvm::tdx {

inline std::string hex_number(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace ccvm::tdx
