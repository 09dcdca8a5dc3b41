// Strict reading of untrusted JSON evidence with nlohmann-json: duplicate keys, deep nesting,
// unknown members and out-of-range numbers are refused with one line naming the field.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::agent {

inline constexpr int kMaxJsonDepth = 32;  // agent evidence nests four levels at most

// Parses one document; throws InputError naming `source` on a syntax error, a duplicate key or
// nesting deeper than kMaxJsonDepth.
nlohmann::json parse_json(std::string_view text, std::string_view source);

// `value` must be an object whose members are all in `known`; throws InputError naming `what`.
const nlohmann::json& object(const nlohmann::json& value, std::initializer_list<std::string_view> known,
                             const std::string& what);
// A member that must be present; throws InputError naming `what`.key.
const nlohmann::json& member(const nlohmann::json& obj, std::string_view key, const std::string& what);
// A member that may be absent or null.
const nlohmann::json* optional_member(const nlohmann::json& obj, std::string_view key);

// An unsigned integer no larger than `max`.
std::uint64_t unsigned_value(const nlohmann::json& value, std::uint64_t max, const std::string& what);
// An array of byte values (0..255), exactly `size` long unless `size` is nullopt.
Bytes byte_array(const nlohmann::json& value, std::optional<std::size_t> size, const std::string& what);
// Bytes given as an array of byte values or as a base64 string (serde's Vec<u8> or base64).
Bytes bytes_or_base64(const nlohmann::json& value, const std::string& what);
// A base64 string.
Bytes base64_string(const nlohmann::json& value, const std::string& what);

}  // namespace ccvm::attestation::agent
