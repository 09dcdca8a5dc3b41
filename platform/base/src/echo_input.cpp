#include "ccvm/base/echo_input.hpp"

#include <cstdio>

namespace ccvm {

std::string echo_input(std::string_view input, std::size_t max_bytes) {
    std::string out;
    const std::string_view shown = input.substr(0, max_bytes);
    out.reserve(shown.size() + 3);
    for (const char ch : shown) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c >= 0x7f) {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    if (input.size() > max_bytes) out += "...";
    return out;
}

}  // namespace ccvm
