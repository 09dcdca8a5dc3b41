#include "args.hpp"

#include <cctype>
#include <charconv>

#include "ccvm/base/error.hpp"

namespace ccvm::cli {

std::uint64_t parse_uint(std::string_view text, std::string_view flag) {
    std::string_view t = text;
    int base = 10;
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
        base = 16;
        t.remove_prefix(2);
    } else if (t.size() > 2 && t[0] == '0' && (t[1] == 'o' || t[1] == 'O')) {
        base = 8;
        t.remove_prefix(2);
    } else if (t.size() > 2 && t[0] == '0' && (t[1] == 'b' || t[1] == 'B')) {
        base = 2;
        t.remove_prefix(2);
    }
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
    if (t.empty() || ec != std::errc() || p != t.data() + t.size()) {
        throw InputError(std::string(flag) + ": '" + std::string(text) + "' is not a non-negative integer");
    }
    return v;
}

std::uint64_t parse_size(std::string_view text, std::string_view flag) {
    std::size_t end = 0;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) &&
                                 !std::isalpha(static_cast<unsigned char>(text[end]))))
        ++end;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) return parse_uint(text, flag);
    std::string_view num = text.substr(0, end);
    std::string suffix(text.substr(end));
    for (char& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::uint64_t mult = 1;
    if (suffix.empty() || suffix == "B")
        mult = 1;
    else if (suffix == "K" || suffix == "KB" || suffix == "KIB")
        mult = 1ull << 10;
    else if (suffix == "M" || suffix == "MB" || suffix == "MIB")
        mult = 1ull << 20;
    else if (suffix == "G" || suffix == "GB" || suffix == "GIB")
        mult = 1ull << 30;
    else if (suffix == "T" || suffix == "TB" || suffix == "TIB")
        mult = 1ull << 40;
    else
        throw InputError(std::string(flag) + ": '" + std::string(text) +
                         "' is not a size (use bytes or a K/M/G/T suffix)");
    std::uint64_t v = parse_uint(num, flag);
    if (v != 0 && mult > UINT64_MAX / v)
        throw InputError(std::string(flag) + ": '" + std::string(text) + "' is too large");
    return v * mult;
}

}  // namespace ccvm::cli
