#include "agent/json_input.hpp"

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::attestation::agent {
namespace {

using json = ccvm::json::Value;

std::string type_name(const json& v) { return v.type_name(); }

}  // namespace

json parse_json(std::string_view text, std::string_view source, bool allow_duplicates) {
    // Content detection only asks whether the bytes are JSON at all; a repeated key there is not a reason to
    // read them as a binary report instead, and the strict parse that follows still refuses it.
    if (allow_duplicates) return ccvm::json::parse(text, source);
    return ccvm::json::parse_untrusted(text, source, {.max_depth = kMaxJsonDepth});
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
