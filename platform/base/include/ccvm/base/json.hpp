// A small, bounds-checked JSON reader and writer (RFC 8259) for plans, vectors and CLI output.
// Numbers keep their source text so 64-bit integers survive untouched.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ccvm::json {

class Value;
using Array = std::vector<Value>;
using Object = std::vector<std::pair<std::string, Value>>;  // keeps insertion order

struct Number {
    std::string text;  // the literal as written, e.g. "4096", "-1", "0.5"
    bool operator==(const Number&) const = default;
};

class Value {
public:
    Value() = default;  // null
    Value(std::nullptr_t) {}
    Value(bool b) : v_(b) {}
    Value(int n) : v_(Number{std::to_string(n)}) {}
    Value(unsigned n) : v_(Number{std::to_string(n)}) {}
    Value(long n) : v_(Number{std::to_string(n)}) {}
    Value(unsigned long n) : v_(Number{std::to_string(n)}) {}
    Value(long long n) : v_(Number{std::to_string(n)}) {}
    Value(unsigned long long n) : v_(Number{std::to_string(n)}) {}
    Value(Number n) : v_(std::move(n)) {}
    Value(const char* s) : v_(std::string(s)) {}
    Value(std::string s) : v_(std::move(s)) {}
    Value(std::string_view s) : v_(std::string(s)) {}
    Value(Array a) : v_(std::move(a)) {}
    Value(Object o) : v_(std::move(o)) {}

    bool is_null() const noexcept { return std::holds_alternative<std::monostate>(v_); }
    bool is_bool() const noexcept { return std::holds_alternative<bool>(v_); }
    bool is_number() const noexcept { return std::holds_alternative<Number>(v_); }
    bool is_string() const noexcept { return std::holds_alternative<std::string>(v_); }
    bool is_array() const noexcept { return std::holds_alternative<Array>(v_); }
    bool is_object() const noexcept { return std::holds_alternative<Object>(v_); }

    // Typed accessors throw InputError naming `what` when the type does not fit.
    bool as_bool(std::string_view what = "value") const;
    const std::string& as_string(std::string_view what = "value") const;
    std::uint64_t as_u64(std::string_view what = "value") const;  // also accepts "0x.." strings
    std::int64_t as_i64(std::string_view what = "value") const;
    double as_double(std::string_view what = "value") const;
    const std::string& number_text(std::string_view what = "value") const;
    const Array& as_array(std::string_view what = "value") const;
    const Object& as_object(std::string_view what = "value") const;
    Array& as_array_mut();
    Object& as_object_mut();

    // Object member lookup: nullptr when absent (or when this is not an object).
    const Value* find(std::string_view key) const noexcept;
    // Object member that must exist; throws InputError naming the key.
    const Value& at(std::string_view key) const;
    // Appends (or replaces) a member; this must be an object (a null becomes one).
    Value& set(std::string key, Value value);
    // Appends to an array (a null becomes one).
    Value& push(Value value);

    // Compact or indented (2 spaces) serialization.
    std::string dump(bool pretty = false) const;

    bool operator==(const Value& other) const;

private:
    std::variant<std::monostate, bool, Number, std::string, Array, Object> v_;
};

// Parses one JSON document; throws InputError naming `source`, line and column.
Value parse(std::string_view text, std::string_view source = "JSON input");

std::string escape(std::string_view s);  // JSON string literal, quotes included

}  // namespace ccvm::json
