// Typed, position-aware access to a yaml-cpp tree: every error is "source:line:col: key: problem".
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccvm::platform::yaml {

// Limits checked on the text before yaml-cpp builds anything (its scanner and node tree grow with
// the nesting, so "[" x 500000 would cost hundreds of MiB). Generous for any spec or config.
struct TextLimits {
    std::size_t max_bytes = 1 << 20;
    std::size_t max_flow_openers = 1024;  // '[' and '{' in the whole text, quoted or not
    std::size_t max_indent = 256;         // columns of indentation and "- "/"? " indicators on a line
    std::size_t max_aliases = 64;         // '*' and '&' starting a token (aliases and anchors)
};

// Throws InputError "source:line: ..." when `text` exceeds `limits`. Conservative: characters in
// quoted scalars and comments count too, so no quoting trick hides nesting from this check.
void check_text_limits(std::string_view text, std::string_view source, const TextLimits& limits = {});

class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    std::string position(const YAML::Mark& mark) const;
    [[noreturn]] void fail(const YAML::Node& node, std::string_view key, std::string_view problem) const;

    const std::string& source() const noexcept { return source_; }
    std::map<std::string, std::string>& locations() noexcept { return locations_; }

private:
    std::string source_;
    std::map<std::string, std::string> locations_;
};

// A YAML mapping whose keys must come from a fixed set (unknown and duplicate keys are errors).
class Map {
public:
    Map(Reader& reader, const YAML::Node& node, std::string path, std::initializer_list<std::string_view> known);

    // The value of `key`, or nullopt when absent. The key's position is recorded in the reader.
    std::optional<YAML::Node> get(std::string_view key) const;
    YAML::Node require(std::string_view key) const;
    bool has(std::string_view key) const { return get(key).has_value(); }
    std::string key_path(std::string_view key) const;
    const YAML::Node& node() const noexcept { return node_; }

private:
    Reader& reader_;
    YAML::Node node_;
    std::string path_;
};

// Scalar conversions; `key` is the dotted path used in the message.
std::string string_value(const Reader& r, const YAML::Node& n, std::string_view key);
std::uint64_t uint_value(const Reader& r, const YAML::Node& n, std::string_view key, std::uint64_t max = UINT64_MAX);
bool bool_value(const Reader& r, const YAML::Node& n, std::string_view key);
std::uint64_t size_value(const Reader& r, const YAML::Node& n, std::string_view key);
std::filesystem::path path_value(const Reader& r, const YAML::Node& n, std::string_view key);
// A blob of exactly `size` bytes given as hex (2*size digits) or base64; returned as base64.
std::string blob_value(const Reader& r, const YAML::Node& n, std::string_view key, std::size_t size);
std::string choice_value(const Reader& r, const YAML::Node& n, std::string_view key,
                         std::initializer_list<std::string_view> choices);
std::vector<YAML::Node> sequence_value(const Reader& r, const YAML::Node& n, std::string_view key);

}  // namespace ccvm::platform::yaml
