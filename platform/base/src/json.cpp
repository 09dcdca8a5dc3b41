#include "ccvm/base/json.hpp"

#include <charconv>
#include <iterator>
#include <limits>
#include <unordered_map>
#include <utility>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::json {
namespace {

constexpr std::size_t kTrustedMaxDepth = 128;  // bounds the recursion of dump() on a user's own files

// A char iterator over the text that publishes how far nlohmann's lexer has read: the SAX events
// below use it to name byte offsets in errors and to cut raw members out of the source text.
class CountingIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    CountingIterator(const char* p, const char** read) : p_(p), read_(read) {}
    reference operator*() const { return *p_; }
    CountingIterator& operator++() {
        *read_ = ++p_;
        return *this;
    }
    CountingIterator operator++(int) {
        CountingIterator old = *this;
        ++*this;
        return old;
    }
    bool operator==(const CountingIterator& other) const { return p_ == other.p_; }

private:
    const char* p_;
    const char** read_;
};

struct Options {
    Limits limits;
    bool reject_duplicate_keys = false;
    std::vector<RawMember>* raw_members = nullptr;  // when the caller wants them
};

// "SOURCE:LINE:COLUMN: what" for the byte at `offset`.
[[noreturn]] void fail_at(std::string_view text, std::string_view source, std::size_t offset, std::string_view what) {
    offset = std::min(offset, text.size());
    std::size_t line = 1, line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    throw InputError(std::string(source) + ":" + std::to_string(line) + ":" + std::to_string(offset - line_start + 1) +
                     ": " + std::string(what));
}

// nlohmann's message without its "[json.exception...] parse error at line L, column C: " prefix
// (the position is ours) and without the "last read: '...'" echo of raw input bytes.
std::string describe(const nlohmann::detail::exception& e) {
    std::string m = e.what();
    if (const std::size_t col = m.find(", column "); col != std::string::npos) {
        if (const std::size_t colon = m.find(": ", col); colon != std::string::npos) m.erase(0, colon + 2);
    }
    if (const std::size_t echo = m.find("; last read: '"); echo != std::string::npos) {
        const std::size_t next = m.find("'; ", echo + 14);
        m.erase(echo, next == std::string::npos ? std::string::npos : next + 1 - echo);
    }
    return m;
}

// nlohmann SAX handler that builds the document (like nlohmann's own DOM builder) and adds the checks
// and raw-member spans that builder has no hook for.
class Builder {
public:
    Builder(std::string_view text, std::string_view source, const char* const* read, const Options& options)
        : text_(text), source_(source), read_(read), options_(options) {}

    Value take() { return std::move(root_); }

    bool null() { return put(Value(nullptr)) != nullptr; }
    bool boolean(bool b) { return put(Value(b)) != nullptr; }
    bool number_integer(std::int64_t n) { return put(Value(n)) != nullptr; }
    bool number_unsigned(std::uint64_t n) { return put(Value(n)) != nullptr; }
    bool number_float(double d, const std::string&) { return put(Value(d)) != nullptr; }
    bool string(std::string& s) { return put(Value(std::move(s))) != nullptr; }
    bool binary(Value::binary_t&) { return false; }  // JSON text has no binary values

    bool start_object(std::size_t) { return open(Value::object()); }
    bool start_array(std::size_t) { return open(Value::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(std::string& k) {
        Value::object_t& members = open_.back()->get_ref<Value::object_t&>();
        // ordered_map looks keys up linearly: an index keeps a hostile object of many keys linear.
        const auto [seen, fresh] = keys_.back().try_emplace(k, members.size());
        if (!fresh && options_.reject_duplicate_keys)
            fail_at(text_, source_, offset() - 1, "duplicate JSON key \"" + echo_input(k) + "\"");
        if (open_.size() == 1) top_key_ = k;
        member_ = fresh ? &members.emplace_back(std::move(k), Value()).second
                        : &std::next(members.begin(), static_cast<std::ptrdiff_t>(seen->second))->second;
        return true;
    }

    bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& e) {
        fail_at(text_, source_, byte == 0 ? 0 : byte - 1, "not valid JSON: " + describe(e));
    }

private:
    std::size_t offset() const { return static_cast<std::size_t>(*read_ - text_.data()); }

    // Stores `v` where the parser is (root, next array element or the member just named).
    Value* put(Value v) {
        if (open_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        Value& parent = *open_.back();
        if (parent.is_array()) {
            parent.push_back(std::move(v));
            return &parent.back();
        }
        *member_ = std::move(v);
        return member_;
    }

    bool open(Value empty) {
        // The lexer has just read the bracket, so it is the byte before the read position.
        const std::size_t bracket = offset() - 1;
        if (open_.size() >= options_.limits.max_depth)
            fail_at(text_, source_, bracket, "nesting deeper than " + std::to_string(options_.limits.max_depth));
        if (open_.size() == 1 && open_.back()->is_object()) raw_start_ = bracket;
        open_.push_back(put(std::move(empty)));
        keys_.emplace_back();
        return true;
    }

    bool close() {
        open_.pop_back();
        keys_.pop_back();
        // The closing bracket is the last byte read: nlohmann reads no further before this event.
        if (open_.size() == 1 && open_.back()->is_object() && options_.raw_members != nullptr)
            options_.raw_members->push_back({top_key_, text_.substr(raw_start_, offset() - raw_start_)});
        return true;
    }

    std::string_view text_;
    std::string_view source_;
    const char* const* read_;
    const Options& options_;
    Value root_;
    std::vector<Value*> open_;  // the arrays and objects being filled, innermost last
    std::vector<std::unordered_map<std::string, std::size_t>> keys_;  // per open_ entry: key -> member index
    Value* member_ = nullptr;                                         // the member the last key named
    std::string top_key_;                                             // the last key of the top-level object
    std::size_t raw_start_ = 0;
};

Value parse_with(std::string_view text, std::string_view source, const Options& options) {
    const char* read = text.data();
    Builder builder(text, source, &read, options);
    CountingIterator first(text.data(), &read), last(text.data() + text.size(), &read);
    Value::sax_parse(first, last, &builder);  // errors throw from Builder::parse_error
    return builder.take();
}

[[noreturn]] void type_error(std::string_view what, const char* expected) {
    throw InputError(std::string(what) + ": expected " + expected);
}

}  // namespace

Value parse(std::string_view text, std::string_view source) {
    return parse_with(text, source, Options{.limits = {.max_depth = kTrustedMaxDepth}});
}

Value parse_untrusted(std::string_view text, std::string_view source, const Limits& limits) {
    return parse_with(text, source, Options{.limits = limits, .reject_duplicate_keys = true});
}

Document parse_untrusted_document(std::string_view text, std::string_view source, const Limits& limits) {
    Document doc;
    doc.value = parse_with(text, source,
                           Options{.limits = limits, .reject_duplicate_keys = true, .raw_members = &doc.raw_members});
    return doc;
}

std::string dump(const Value& v, bool pretty) {
    return v.dump(pretty ? 2 : -1, ' ', false, Value::error_handler_t::replace);
}

std::string escape(std::string_view s) { return dump(Value(std::string(s))); }

bool get_bool(const Value& v, std::string_view what) {
    if (!v.is_boolean()) type_error(what, "true or false");
    return v.get<bool>();
}

const std::string& get_string(const Value& v, std::string_view what) {
    if (!v.is_string()) type_error(what, "a string");
    return v.get_ref<const std::string&>();
}

std::uint64_t get_u64(const Value& v, std::string_view what) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer()) {
        if (v.get<std::int64_t>() < 0) type_error(what, "an unsigned 64-bit integer");
        return v.get<std::uint64_t>();
    }
    if (v.is_number()) type_error(what, "an unsigned 64-bit integer");
    if (!v.is_string()) type_error(what, "an unsigned integer");
    std::string_view text = v.get_ref<const std::string&>();
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n, base);
    if (ec != std::errc() || p != text.data() + text.size()) type_error(what, "an unsigned 64-bit integer");
    return n;
}

std::int64_t get_i64(const Value& v, std::string_view what) {
    if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<std::int64_t>();
    if (v.is_number_unsigned() && v.get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max())
        return v.get<std::int64_t>();
    if (v.is_number()) type_error(what, "a 64-bit integer");
    type_error(what, "an integer");
}

double get_double(const Value& v, std::string_view what) {
    if (!v.is_number()) type_error(what, "a number");
    return v.get<double>();
}

const Value::array_t& get_array(const Value& v, std::string_view what) {
    if (!v.is_array()) type_error(what, "an array");
    return v.get_ref<const Value::array_t&>();
}

const Value::object_t& get_object(const Value& v, std::string_view what) {
    if (!v.is_object()) type_error(what, "an object");
    return v.get_ref<const Value::object_t&>();
}

const Value* find(const Value& v, std::string_view key) noexcept {
    if (!v.is_object()) return nullptr;
    for (const auto& [name, member] : v.get_ref<const Value::object_t&>()) {
        if (name == key) return &member;
    }
    return nullptr;
}

const Value& at(const Value& v, std::string_view key) {
    const Value* member = find(v, key);
    if (member == nullptr) throw InputError("missing key '" + std::string(key) + "'");
    return *member;
}

}  // namespace ccvm::json
