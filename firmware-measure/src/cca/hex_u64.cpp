#include "hex_u64.hpp"

#include <charconv>

namespace ccvm::cca {

std::string hex_u64(std::uint64_t v) {
    char buf[2 + 16];
    buf[0] = '0';
    buf[1] = 'x';
    auto [end, ec] = std::to_chars(buf + 2, buf + sizeof buf, v, 16);
    (void)ec;  // 16 hex digits always fit
    return std::string(buf, end);
}

}  // namespace ccvm::cca
