// "0x..." rendering of addresses and sizes for error messages and traces.
#pragma once

#include <cstdint>
#include <string>

namespace ccvm::cca {

std::string hex_u64(std::uint64_t v);

}  // namespace ccvm::cca
