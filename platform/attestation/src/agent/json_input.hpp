// Strict reading of untrusted JSON evidence (ccvm::json::parse_untrusted): duplicate keys, deep nesting,
// unknown members and out-of-range numbers are refused with one line naming the field.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/json.hpp"

namespace ccvm::attestation::agent {

inline constexpr int kMaxJsonDepth = 32;  // agent evidence nests four levels at most

// Parses one document; throws InputError naming `source` on a syntax error, a duplicate key (unless
// `allow_duplicates`, for content detection only) or nesting deeper than kMaxJsonDepth.
ccvm::json::Value parse_json(std::string_view text, std::string_view source, bool allow_duplicates = false);

// `value` must be an object whose members are all in `known`; throws InputError naming `what`.
const ccvm::json::Value& object(const ccvm::json::Value& value, std::initializer_list<std::string_view> known,
                                const std::string& what);
// A member that must be present; throws InputError naming `what`.key.
const ccvm::json::Value& member(const ccvm::json::Value& obj, std::string_view key, const std::string& what);
// A member that may be absent or null.
const ccvm::json::Value* optional_member(const ccvm::json::Value& obj, std::string_view key);

// An unsigned integer no larger than `max`.
std::uint64_t unsigned_value(const ccvm::json::Value& value, std::uint64_t max, const std::string& what);
// An array of byte values (0..255), exactly `size` long unless `size` is nullopt.
Bytes byte_array(const ccvm::json::Value& value, std::optional<std::size_t> size, const std::string& what);
// Bytes given as an array of byte values or as a base64 string (serde's Vec<u8> or base64).
Bytes bytes_or_base64(const ccvm::json::Value& value, const std::string& what);
// A base64 string.
Bytes base64_string(const ccvm::json::Value& value, const std::string& what);

}  // namespace ccvm::attestation::agent
