// JSON glue over nlohmann-json: the document type, parsing with errors that name the input, and typed
// accessors whose errors name the field. Headers that only pass documents around include json_fwd.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccvm/base/json_fwd.hpp"

namespace ccvm::json {

// Bounds for documents from outside the host's trust (evidence, collateral, KBS payloads).
struct Limits {
    std::size_t max_depth = 64;  // nested arrays and objects
};

// Parses one JSON document written by the user or by ccvm itself (plans, vectors, state).
// Nesting is capped at 128 levels; a repeated key keeps its last value (nlohmann's rule).
// Throws InputError "SOURCE:LINE:COLUMN: what went wrong".
Value parse(std::string_view text, std::string_view source = "JSON input");

// Parses a document from an untrusted party: also rejects repeated keys and nesting deeper
// than `limits.max_depth`, so that no two readers of the same bytes can see different values.
Value parse_untrusted(std::string_view text, std::string_view source, const Limits& limits = {});

// An untrusted document with the exact source bytes of each top-level member whose value is an
// object or an array (for signatures computed over the text as sent, e.g. Intel's tcbInfo).
struct RawMember {
    std::string key;
    std::string_view text;  // points into the parsed text
};
struct Document {
    Value value;
    std::vector<RawMember> raw_members;
};
Document parse_untrusted_document(std::string_view text, std::string_view source, const Limits& limits = {});

// Compact (no spaces) or indented (2 spaces) text. Invalid UTF-8 in strings becomes U+FFFD.
std::string dump(const Value& v, bool pretty = false);
std::string escape(std::string_view s);  // JSON string literal, quotes included

// Typed accessors; they throw InputError "WHAT: expected ..." when the type does not fit.
bool get_bool(const Value& v, std::string_view what = "value");
const std::string& get_string(const Value& v, std::string_view what = "value");
std::uint64_t get_u64(const Value& v, std::string_view what = "value");  // also accepts "0x.." strings
std::int64_t get_i64(const Value& v, std::string_view what = "value");
double get_double(const Value& v, std::string_view what = "value");
const Value::array_t& get_array(const Value& v, std::string_view what = "value");
const Value::object_t& get_object(const Value& v, std::string_view what = "value");

// Object member lookup: nullptr when absent (or when `v` is not an object).
const Value* find(const Value& v, std::string_view key) noexcept;
// Object member that must exist; throws InputError naming the key.
const Value& at(const Value& v, std::string_view key);

// The accessors take a Value only: without these, nlohmann's converting constructor would accept
// any container or string and hand back a reference into a temporary.
template <class T>
concept NotValue = !std::is_same_v<std::remove_cvref_t<T>, Value>;
template <NotValue T>
const std::string& get_string(const T&, std::string_view = {}) = delete;
template <NotValue T>
const Value::array_t& get_array(const T&, std::string_view = {}) = delete;
template <NotValue T>
const Value::object_t& get_object(const T&, std::string_view = {}) = delete;
template <NotValue T>
const Value* find(const T&, std::string_view) = delete;
template <NotValue T>
const Value& at(const T&, std::string_view) = delete;

}  // namespace ccvm::json
