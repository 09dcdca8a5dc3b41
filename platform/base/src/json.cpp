#include "ccvm/base/json.hpp"

#include <charconv>
#include <cstdlib>

#include "ccvm/base/error.hpp"

namespace ccvm::json {
namespace {

constexpr int kMaxDepth = 128;  // bounds recursion on hostile input

class Parser {
public:
    Parser(std::string_view text, std::string_view source) : s_(text), source_(source) {}

    Value document() {
        skip_ws();
        Value v = value(0);
        skip_ws();
        if (pos_ != s_.size()) fail("unexpected trailing characters");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i < pos_ && i < s_.size(); ++i) {
            if (s_[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        throw InputError(std::string(source_) + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + what);
    }

    void skip_ws() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            ++pos_;
    }

    bool consume(std::string_view lit) {
        if (s_.substr(pos_, lit.size()) == lit) {
            pos_ += lit.size();
            return true;
        }
        return false;
    }

    Value value(int depth) {
        if (depth > kMaxDepth) fail("nesting deeper than " + std::to_string(kMaxDepth));
        if (pos_ >= s_.size()) fail("unexpected end of input");
        char c = s_[pos_];
        if (c == '{') return object(depth);
        if (c == '[') return array(depth);
        if (c == '"') return Value(string());
        if (consume("true")) return Value(true);
        if (consume("false")) return Value(false);
        if (consume("null")) return Value();
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        fail(std::string("unexpected character '") + c + "'");
    }

    Value object(int depth) {
        ++pos_;
        Object obj;
        skip_ws();
        if (consume("}")) return Value(std::move(obj));
        for (;;) {
            skip_ws();
            if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a string key");
            std::string key = string();
            skip_ws();
            if (!consume(":")) fail("expected ':' after key");
            skip_ws();
            obj.emplace_back(std::move(key), value(depth + 1));
            skip_ws();
            if (consume("}")) return Value(std::move(obj));
            if (!consume(",")) fail("expected ',' or '}'");
        }
    }

    Value array(int depth) {
        ++pos_;
        Array arr;
        skip_ws();
        if (consume("]")) return Value(std::move(arr));
        for (;;) {
            skip_ws();
            arr.push_back(value(depth + 1));
            skip_ws();
            if (consume("]")) return Value(std::move(arr));
            if (!consume(",")) fail("expected ',' or ']'");
        }
    }

    Value number() {
        std::size_t start = pos_;
        if (s_[pos_] == '-') ++pos_;
        auto digits = [&] {
            std::size_t d = pos_;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
            return pos_ - d;
        };
        if (digits() == 0) fail("invalid number");
        if (pos_ < s_.size() && s_[pos_] == '.') {
            ++pos_;
            if (digits() == 0) fail("invalid number");
        }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
            if (digits() == 0) fail("invalid number");
        }
        return Value(Number{std::string(s_.substr(start, pos_ - start))});
    }

    unsigned hex4() {
        if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            char c = s_[pos_++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<unsigned>(c - 'A' + 10);
            else
                fail("invalid \\u escape");
        }
        return v;
    }

    static void put_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    std::string string() {
        ++pos_;  // opening quote
        std::string out;
        for (;;) {
            if (pos_ >= s_.size()) fail("unterminated string");
            char c = s_[pos_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (pos_ >= s_.size()) fail("unterminated escape");
            char e = s_[pos_++];
            switch (e) {
                case '"':
                    out.push_back('"');
                    break;
                case '\\':
                    out.push_back('\\');
                    break;
                case '/':
                    out.push_back('/');
                    break;
                case 'b':
                    out.push_back('\b');
                    break;
                case 'f':
                    out.push_back('\f');
                    break;
                case 'n':
                    out.push_back('\n');
                    break;
                case 'r':
                    out.push_back('\r');
                    break;
                case 't':
                    out.push_back('\t');
                    break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00) {
                        if (!consume("\\u")) fail("unpaired surrogate");
                        unsigned lo = hex4();
                        if (lo < 0xDC00 || lo >= 0xE000) fail("invalid surrogate pair");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    } else if (cp >= 0xDC00 && cp < 0xE000) {
                        fail("unpaired surrogate");
                    }
                    put_utf8(out, cp);
                    break;
                }
                default:
                    fail(std::string("invalid escape '\\") + e + "'");
            }
        }
    }

    std::string_view s_;
    std::string_view source_;
    std::size_t pos_ = 0;
};

[[noreturn]] void type_error(std::string_view what, const char* expected) {
    throw InputError(std::string(what) + ": expected " + expected);
}

void dump_to(const Value& v, std::string& out, bool pretty, int indent);

void newline(std::string& out, bool pretty, int indent) {
    if (!pretty) return;
    out.push_back('\n');
    out.append(static_cast<std::size_t>(indent) * 2, ' ');
}

}  // namespace

std::string escape(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    static constexpr char hex[] = "0123456789abcdef";
                    out += "\\u00";
                    out.push_back(hex[(c >> 4) & 0xF]);
                    out.push_back(hex[c & 0xF]);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
    return out;
}

namespace {
void dump_to(const Value& v, std::string& out, bool pretty, int indent) {
    if (v.is_null()) {
        out += "null";
    } else if (v.is_bool()) {
        out += v.as_bool() ? "true" : "false";
    } else if (v.is_number()) {
        out += v.number_text();
    } else if (v.is_string()) {
        out += escape(v.as_string());
    } else if (v.is_array()) {
        const Array& a = v.as_array();
        out.push_back('[');
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (i) out.push_back(',');
            newline(out, pretty, indent + 1);
            dump_to(a[i], out, pretty, indent + 1);
        }
        if (!a.empty()) newline(out, pretty, indent);
        out.push_back(']');
    } else {
        const Object& o = v.as_object();
        out.push_back('{');
        for (std::size_t i = 0; i < o.size(); ++i) {
            if (i) out.push_back(',');
            newline(out, pretty, indent + 1);
            out += escape(o[i].first);
            out += pretty ? ": " : ":";
            dump_to(o[i].second, out, pretty, indent + 1);
        }
        if (!o.empty()) newline(out, pretty, indent);
        out.push_back('}');
    }
}
}  // namespace

bool Value::as_bool(std::string_view what) const {
    if (!is_bool()) type_error(what, "true or false");
    return std::get<bool>(v_);
}

const std::string& Value::as_string(std::string_view what) const {
    if (!is_string()) type_error(what, "a string");
    return std::get<std::string>(v_);
}

std::uint64_t Value::as_u64(std::string_view what) const {
    std::string_view text;
    int base = 10;
    if (is_number()) {
        text = std::get<Number>(v_).text;
    } else if (is_string()) {
        text = std::get<std::string>(v_);
        if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
            text.remove_prefix(2);
            base = 16;
        }
    } else {
        type_error(what, "an unsigned integer");
    }
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
    if (ec != std::errc() || p != text.data() + text.size()) type_error(what, "an unsigned 64-bit integer");
    return v;
}

std::int64_t Value::as_i64(std::string_view what) const {
    if (!is_number()) type_error(what, "an integer");
    const std::string& text = std::get<Number>(v_).text;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) type_error(what, "a 64-bit integer");
    return v;
}

double Value::as_double(std::string_view what) const {
    if (!is_number()) type_error(what, "a number");
    return std::strtod(std::get<Number>(v_).text.c_str(), nullptr);
}

const std::string& Value::number_text(std::string_view what) const {
    if (!is_number()) type_error(what, "a number");
    return std::get<Number>(v_).text;
}

const Array& Value::as_array(std::string_view what) const {
    if (!is_array()) type_error(what, "an array");
    return std::get<Array>(v_);
}

const Object& Value::as_object(std::string_view what) const {
    if (!is_object()) type_error(what, "an object");
    return std::get<Object>(v_);
}

Array& Value::as_array_mut() {
    if (is_null()) v_ = Array{};
    if (!is_array()) type_error("value", "an array");
    return std::get<Array>(v_);
}

Object& Value::as_object_mut() {
    if (is_null()) v_ = Object{};
    if (!is_object()) type_error("value", "an object");
    return std::get<Object>(v_);
}

const Value* Value::find(std::string_view key) const noexcept {
    if (!is_object()) return nullptr;
    for (const auto& [k, v] : std::get<Object>(v_))
        if (k == key) return &v;
    return nullptr;
}

const Value& Value::at(std::string_view key) const {
    const Value* v = find(key);
    if (v == nullptr) throw InputError("missing key '" + std::string(key) + "'");
    return *v;
}

Value& Value::set(std::string key, Value value) {
    Object& o = as_object_mut();
    for (auto& [k, v] : o) {
        if (k == key) {
            v = std::move(value);
            return v;
        }
    }
    o.emplace_back(std::move(key), std::move(value));
    return o.back().second;
}

Value& Value::push(Value value) {
    Array& a = as_array_mut();
    a.push_back(std::move(value));
    return a.back();
}

std::string Value::dump(bool pretty) const {
    std::string out;
    dump_to(*this, out, pretty, 0);
    return out;
}

bool Value::operator==(const Value& other) const {
    if (is_number() && other.is_number()) {
        const auto& a = std::get<Number>(v_).text;
        const auto& b = std::get<Number>(other.v_).text;
        return a == b || std::strtod(a.c_str(), nullptr) == std::strtod(b.c_str(), nullptr);
    }
    if (v_.index() != other.v_.index()) return false;
    if (is_object()) {
        const Object& a = std::get<Object>(v_);
        const Object& b = std::get<Object>(other.v_);
        if (a.size() != b.size()) return false;
        for (const auto& [k, v] : a) {
            const Value* w = other.find(k);
            if (w == nullptr || !(v == *w)) return false;
        }
        return true;
    }
    return v_ == other.v_;
}

Value parse(std::string_view text, std::string_view source) { return Parser(text, source).document(); }

}  // namespace ccvm::json
