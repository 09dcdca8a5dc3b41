#include "agent/json_input.hpp"

#include <set>
#include <vector>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::attestation::agent {
namespace {

using nlohmann::json;

std::string type_name(const json& v) { return v.type_name(); }

}  // namespace

json parse_json(std::string_view text, std::string_view source) {
    // One set of seen keys per open object: the parser reports a key while its object is innermost.
    std::vector<std::set<std::string>> seen;
    const std::string where(source);
    json::parser_callback_t check = [&seen, &where](int depth, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                if (depth >= kMaxJsonDepth)
                    throw InputError(where + ": JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
                if (event == json::parse_event_t::object_start) seen.emplace_back();
                break;
            case json::parse_event_t::object_end:
                if (!seen.empty()) seen.pop_back();
                break;
            case json::parse_event_t::key:
                if (!seen.empty() && !seen.back().insert(parsed.get<std::string>()).second)
                    throw InputError(where + ": duplicate JSON key \"" + parsed.get<std::string>() + "\"");
                break;
            default:
                break;
        }
        return true;
    };
    try {
        return json::parse(text.begin(), text.end(), check, true, false);
    } catch (const json::exception& e) {
        throw InputError(where + ": not valid JSON: " + e.what());
    }
}

const json& object(const json& value, std::initializer_list<std::string_view> known, const std::string& what) {
    if (!value.is_object()) throw InputError(what + ": expected a JSON object, got " + type_name(value));
    for (const auto& [key, v] : value.items()) {
        bool ok = false;
        for (std::string_view k : known) ok = ok || k == key;
        if (!ok) {
            std::string list;
            for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
            throw InputError(what + ": unknown member \"" + key + "\" (known: " + list + ")");
        }
    }
    return value;
}

const json& member(const json& obj, std::string_view key, const std::string& what) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) throw InputError(what + ": missing member \"" + std::string(key) + "\"");
    return *it;
}

const json* optional_member(const json& obj, std::string_view key) {
    const auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::uint64_t unsigned_value(const json& value, std::uint64_t max, const std::string& what) {
    if (!value.is_number_unsigned())
        throw InputError(what + ": expected an unsigned integer, got " +
                         (value.is_number() ? value.dump() : type_name(value)));
    const auto v = value.get<std::uint64_t>();
    if (v > max) throw InputError(what + ": " + std::to_string(v) + " is larger than " + std::to_string(max));
    return v;
}

Bytes byte_array(const json& value, std::optional<std::size_t> size, const std::string& what) {
    if (!value.is_array()) throw InputError(what + ": expected an array of bytes, got " + type_name(value));
    if (size && value.size() != *size)
        throw InputError(what + ": " + std::to_string(value.size()) + " bytes, expected " + std::to_string(*size));
    Bytes out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i)
        out.push_back(std::byte(unsigned_value(value[i], 0xFF, what + "[" + std::to_string(i) + "]")));
    return out;
}

Bytes base64_string(const json& value, const std::string& what) {
    if (!value.is_string()) throw InputError(what + ": expected a base64 string, got " + type_name(value));
    return from_base64(value.get_ref<const std::string&>(), what);
}

Bytes bytes_or_base64(const json& value, const std::string& what) {
    return value.is_string() ? base64_string(value, what) : byte_array(value, std::nullopt, what);
}

}  // namespace ccvm::attestation::agent
