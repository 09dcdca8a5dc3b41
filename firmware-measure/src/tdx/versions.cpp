#include "ccvm/firmware-measure/tdx/versions.hpp"

#include <cctype>
#include <charconv>

#include "ccvm/base/error.hpp"

namespace ccvm::tdx {
namespace {

bool parse_int(std::string_view text, int& out) {
    if (text.empty() || text.size() > 6) return false;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

Edk2Version Edk2Version::parse(std::string_view text, std::string_view what) {
    std::string_view t = text;
    if (t.starts_with("edk2-stable")) t.remove_prefix(11);
    Edk2Version v;
    bool ok = false;
    if (t.size() == 7 && t[4] == '.') {
        ok = parse_int(t.substr(0, 4), v.year) && parse_int(t.substr(5, 2), v.month);
    } else if (t.size() == 6) {
        ok = parse_int(t.substr(0, 4), v.year) && parse_int(t.substr(4, 2), v.month);
    }
    if (!ok || v.month < 1 || v.month > 12 || v.year < 2000) {
        throw InputError(std::string(what) + ": '" + std::string(text) +
                         "' is not an edk2 release (expected YYYY.MM, e.g. 2025.02)");
    }
    return v;
}

std::string Edk2Version::to_string() const {
    std::string m = std::to_string(month);
    return std::to_string(year) + "." + (m.size() == 1 ? "0" + m : m);
}

QemuVersion QemuVersion::parse(std::string_view text, std::string_view what) {
    QemuVersion v;
    std::size_t dot = text.find('.');
    bool ok = false;
    if (dot != std::string_view::npos) {
        std::string_view rest = text.substr(dot + 1);
        std::size_t dot2 = rest.find('.');
        int micro = 0;
        ok = parse_int(text.substr(0, dot), v.major) && parse_int(rest.substr(0, dot2), v.minor) &&
             (dot2 == std::string_view::npos || parse_int(rest.substr(dot2 + 1), micro));
    }
    if (!ok)
        throw InputError(std::string(what) + ": '" + std::string(text) +
                         "' is not a QEMU version (expected X.Y, e.g. 10.1)");
    return v;
}

std::string QemuVersion::to_string() const { return std::to_string(major) + "." + std::to_string(minor); }

}  // namespace ccvm::tdx
