#include "yaml_reader.hpp"

#include <charconv>
#include <set>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::platform::yaml {
namespace {

std::string join(std::initializer_list<std::string_view> items) {
    std::string out;
    for (std::string_view s : items) out += (out.empty() ? "" : ", ") + std::string(s);
    return out;
}

std::string describe(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Null:
            return "nothing";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a mapping";
        default: {
            // Built by append: GCC 12 at -O3 reports a false -Wrestrict for "'" + std::string.
            std::string quoted(1, '\'');
            quoted += echo_input(n.Scalar());
            quoted += '\'';
            return quoted;
        }
    }
}

bool token_start(std::string_view text, std::size_t i) {
    if (i == 0) return true;
    const char prev = text[i - 1];
    return prev == ' ' || prev == '\t' || prev == '\n' || prev == '\r' || prev == '[' || prev == '{' || prev == ',';
}

}  // namespace

void check_text_limits(std::string_view text, std::string_view source, const TextLimits& limits) {
    if (text.size() > limits.max_bytes)
        throw InputError(std::string(source) + ": larger than " + std::to_string(limits.max_bytes) + " bytes");
    std::size_t line = 1;
    std::size_t openers = 0;
    std::size_t aliases = 0;
    std::size_t line_start = 0;
    bool in_indent = true;  // still in the line's indentation and block indicators
    const auto fail = [&](const std::string& problem) {
        throw InputError(std::string(source) + ":" + std::to_string(line) + ": " + problem);
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            line_start = i + 1;
            in_indent = true;
            continue;
        }
        if (in_indent) {
            const bool indicator = (c == '-' || c == '?') && (i + 1 == text.size() || text[i + 1] == ' ');
            if (c != ' ' && c != '\t' && !indicator) {
                in_indent = false;
            } else if (i - line_start >= limits.max_indent) {
                fail("nested more than " + std::to_string(limits.max_indent) + " columns deep");
            }
        }
        if ((c == '[' || c == '{') && ++openers > limits.max_flow_openers)
            fail("more than " + std::to_string(limits.max_flow_openers) + " '[' or '{' (nesting too deep)");
        if ((c == '*' || c == '&') && token_start(text, i) && ++aliases > limits.max_aliases)
            fail("more than " + std::to_string(limits.max_aliases) + " YAML aliases or anchors");
    }
}

std::string Reader::position(const YAML::Mark& mark) const {
    if (mark.is_null()) return source_;
    return source_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void Reader::fail(const YAML::Node& node, std::string_view key, std::string_view problem) const {
    std::string where = node.IsDefined() ? position(node.Mark()) : source_;
    throw InputError(where + ": " + std::string(key) + ": " + std::string(problem));
}

Map::Map(Reader& reader, const YAML::Node& node, std::string path, std::initializer_list<std::string_view> known)
    : reader_(reader), node_(node), path_(std::move(path)) {
    if (!node.IsMap()) reader.fail(node, path_.empty() ? "spec" : path_, "expected a mapping, got " + describe(node));
    std::set<std::string> seen;
    for (const auto& kv : node) {
        if (!kv.first.IsScalar()) reader.fail(kv.first, path_.empty() ? "spec" : path_, "keys must be plain names");
        const std::string& k = kv.first.Scalar();
        bool ok = false;
        for (std::string_view allowed : known) ok = ok || allowed == k;
        if (!ok) reader.fail(kv.first, key_path(k), "unknown key (known: " + join(known) + ")");
        if (!seen.insert(k).second) reader.fail(kv.first, key_path(k), "duplicate key");
        reader.locations()[key_path(k)] = reader.position(kv.first.Mark());
    }
}

std::string Map::key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::optional<YAML::Node> Map::get(std::string_view key) const {
    for (const auto& kv : node_)
        if (kv.first.Scalar() == key) return kv.second;
    return std::nullopt;
}

YAML::Node Map::require(std::string_view key) const {
    if (auto v = get(key)) return *v;
    reader_.fail(node_, key_path(key), "required key is missing");
}

std::string string_value(const Reader& r, const YAML::Node& n, std::string_view key) {
    if (!n.IsScalar()) r.fail(n, key, "expected a string, got " + describe(n));
    return n.Scalar();
}

std::uint64_t uint_value(const Reader& r, const YAML::Node& n, std::string_view key, std::uint64_t max) {
    if (!n.IsScalar()) r.fail(n, key, "expected an integer, got " + describe(n));
    std::string_view s = n.Scalar();
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    }
    std::uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size())
        r.fail(n, key, "expected an integer (decimal or 0x hex), got " + describe(n));
    if (v > max) r.fail(n, key, "value " + n.Scalar() + " is larger than " + std::to_string(max));
    return v;
}

bool bool_value(const Reader& r, const YAML::Node& n, std::string_view key) {
    if (n.IsScalar()) {
        const std::string& s = n.Scalar();
        if (s == "true" || s == "yes") return true;
        if (s == "false" || s == "no") return false;
    }
    r.fail(n, key, "expected true or false, got " + describe(n));
}

std::uint64_t size_value(const Reader& r, const YAML::Node& n, std::string_view key) {
    if (!n.IsScalar()) r.fail(n, key, "expected a size such as 2G or 512M, got " + describe(n));
    std::string_view s = n.Scalar();
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
    std::uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + digits, v);
    std::string_view suffix = s.substr(digits);
    unsigned shift = 0;
    if (suffix == "" || suffix == "B")
        shift = 0;
    else if (suffix == "K" || suffix == "KiB")
        shift = 10;
    else if (suffix == "M" || suffix == "MiB")
        shift = 20;
    else if (suffix == "G" || suffix == "GiB")
        shift = 30;
    else if (suffix == "T" || suffix == "TiB")
        shift = 40;
    else
        r.fail(n, key, "expected a size such as 2G or 512M (suffix K, M, G or T), got " + describe(n));
    if (digits == 0 || ec != std::errc() || ptr != s.data() + digits)
        r.fail(n, key, "expected a size such as 2G or 512M, got " + describe(n));
    if (v > (UINT64_MAX >> shift)) r.fail(n, key, "size " + n.Scalar() + " is too large");
    return v << shift;
}

std::filesystem::path path_value(const Reader& r, const YAML::Node& n, std::string_view key) {
    std::string s = string_value(r, n, key);
    if (s.empty() || s.front() != '/') r.fail(n, key, "expected an absolute path, got " + describe(n));
    if (s.find('\0') != std::string::npos) r.fail(n, key, "path contains a NUL byte");
    return s;
}

std::string blob_value(const Reader& r, const YAML::Node& n, std::string_view key, std::size_t size) {
    std::string s = string_value(r, n, key);
    std::string what = std::string(key) + " (" + std::to_string(size) + " bytes as hex or base64)";
    Bytes raw;
    try {
        raw = s.size() == 2 * size || s.starts_with("0x") ? from_hex(s, what) : from_base64(s, what);
    } catch (const InputError&) {
        r.fail(n, key, "expected " + std::to_string(size) + " bytes as hex or base64, got " + describe(n));
    }
    if (raw.size() != size)
        r.fail(n, key,
               "expected " + std::to_string(size) + " bytes (" + std::to_string(2 * size) +
                   " hex digits or base64), got " + std::to_string(raw.size()) + " bytes");
    return to_base64(raw);
}

std::string choice_value(const Reader& r, const YAML::Node& n, std::string_view key,
                         std::initializer_list<std::string_view> choices) {
    std::string s = string_value(r, n, key);
    for (std::string_view c : choices)
        if (c == s) return s;
    r.fail(n, key, "expected one of " + join(choices) + ", got " + describe(n));
}

std::vector<YAML::Node> sequence_value(const Reader& r, const YAML::Node& n, std::string_view key) {
    if (!n.IsSequence()) r.fail(n, key, "expected a list, got " + describe(n));
    std::vector<YAML::Node> out;
    for (const auto& item : n) out.push_back(item);
    return out;
}

}  // namespace ccvm::platform::yaml
