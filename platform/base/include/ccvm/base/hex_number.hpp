// Integers in messages and JSON fields as "0x..." (lowercase, no padding).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace ccvm {

inline std::string hex_number(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace ccvm
