// Initdata: a bounded reader for the TOML subset initdata documents use (TOML v1.0.0 strings and
// tables), their digest and its binding to each TEE's field.
#include "ccvm/platform/initdata.hpp"

#include <array>
#include <cstdint>
#include <set>
#include <utility>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::platform {
namespace {

constexpr std::array<std::pair<InitdataAlgorithm, std::string_view>, 3> kAlgorithms{{
    {InitdataAlgorithm::sha256, "sha256"},
    {InitdataAlgorithm::sha384, "sha384"},
    {InitdataAlgorithm::sha512, "sha512"},
}};

// One pass over the document with the line number every message names.
class TomlReader {
public:
    TomlReader(std::string_view text, std::string_view source) : text_(text), source_(source) {}

    Initdata read() {
        Initdata out;
        out.text = std::string(text_);
        out.source = std::string(source_);
        std::optional<std::string> algorithm;
        bool in_data = false, saw_data = false;
        std::set<std::string> top_keys;
        while (skip_blank_lines()) {
            const std::size_t line = line_;
            if (peek() == '[') {
                std::string table = table_header();
                if (table != "data")
                    fail(line, "table [" + echo_input(table) + "] is not part of initdata (only [data])");
                if (saw_data) fail(line, "table [data] is defined twice");
                in_data = saw_data = true;
                continue;
            }
            std::string key = key_name();
            skip_spaces();
            if (peek() != '=') fail(line_, "expected '=' after key '" + echo_input(key) + "'");
            ++pos_;
            skip_spaces();
            std::string value = string_value(key);
            end_of_line();
            if (in_data) {
                if (!out.data.emplace(key, std::move(value)).second)
                    fail(line, "key '" + echo_input(key) + "' is defined twice in [data]");
                continue;
            }
            if (!top_keys.insert(key).second) fail(line, "key '" + echo_input(key) + "' is defined twice");
            if (key == "version") {
                if (value.empty()) fail(line, "version must not be empty");
                out.version = std::move(value);
            } else if (key == "algorithm") {
                algorithm = value;
                bool known = false;
                for (const auto& [algo, name] : kAlgorithms) {
                    if (name == value) {
                        out.algorithm = algo;
                        known = true;
                    }
                }
                if (!known) fail(line, "algorithm '" + echo_input(value) + "' is not one of sha256, sha384, sha512");
            } else if (key == "data") {
                fail(line, "data must be a table ([data])");
            }
            // Other top-level string keys are kept in the digest and otherwise ignored, as Trustee does.
        }
        if (out.version.empty()) fail(line_, "missing 'version' (initdata 0.1.0 documents set version = \"0.1.0\")");
        if (!algorithm) fail(line_, "missing 'algorithm' (sha256, sha384 or sha512)");
        if (!saw_data) fail(line_, "missing the [data] table");
        return out;
    }

private:
    [[noreturn]] void fail(std::size_t line, const std::string& what) const {
        throw InputError(std::string(source_) + ":" + std::to_string(line) + ": " + what);
    }

    bool at_end() const { return pos_ >= text_.size(); }
    char peek(std::size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
    bool starts_with(std::string_view s) const { return text_.substr(pos_).starts_with(s); }

    void skip_spaces() {
        while (!at_end() && (peek() == ' ' || peek() == '\t')) ++pos_;
    }

    // Consumes a newline (LF or CRLF); false when none is here.
    bool newline() {
        if (peek() == '\n') {
            ++pos_;
            ++line_;
            return true;
        }
        if (peek() == '\r' && peek(1) == '\n') {
            pos_ += 2;
            ++line_;
            return true;
        }
        return false;
    }

    void skip_comment() {
        if (peek() != '#') return;
        while (!at_end() && peek() != '\n' && !(peek() == '\r' && peek(1) == '\n')) {
            check_char(peek(), false);
            ++pos_;
        }
    }

    // Skips whitespace, comments and empty lines; false at the end of the document.
    bool skip_blank_lines() {
        for (;;) {
            skip_spaces();
            skip_comment();
            if (at_end()) return false;
            if (!newline()) return true;
        }
    }

    // After a value or header: spaces, an optional comment, then a newline or the end.
    void end_of_line() {
        skip_spaces();
        skip_comment();
        if (!at_end() && !newline())
            fail(line_, "unexpected '" + echo_input(std::string(1, peek())) + "' after the value (one key per line)");
    }

    // TOML forbids control characters other than tab in strings and comments (and newlines in
    // multi-line strings, which callers handle before this).
    void check_char(char c, bool in_string) const {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            fail(line_, std::string(in_string ? "control character" : "control character in a comment") + " " +
                            echo_input(std::string(1, c)) + " (escape it as \\uXXXX)");
    }

    static bool bare_key_char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    std::string key_name() {
        std::string key;
        if (peek() == '"' || peek() == '\'') {
            if (starts_with("\"\"\"") || starts_with("'''")) fail(line_, "a key cannot be a multi-line string");
            key = peek() == '"' ? basic_string() : literal_string();
        } else {
            while (bare_key_char(peek())) key += text_[pos_++];
            if (key.empty()) fail(line_, "expected a key, found '" + echo_input(std::string(1, peek())) + "'");
        }
        skip_spaces();
        if (peek() == '.') fail(line_, "dotted key '" + echo_input(key) + ".' is not supported in initdata");
        return key;
    }

    std::string table_header() {
        ++pos_;  // '['
        if (peek() == '[') fail(line_, "arrays of tables are not part of initdata");
        skip_spaces();
        std::string name = key_name();
        skip_spaces();
        if (peek() != ']') fail(line_, "expected ']' to close the table header");
        ++pos_;
        end_of_line();
        return name;
    }

    std::string string_value(const std::string& key) {
        if (starts_with("\"\"\"")) return multiline_basic_string();
        if (starts_with("'''")) return multiline_literal_string();
        if (peek() == '"') return basic_string();
        if (peek() == '\'') return literal_string();
        fail(line_, "value of '" + echo_input(key) + "' must be a string (initdata values are strings)");
    }

    std::string literal_string() {
        ++pos_;
        std::string out;
        for (;;) {
            if (at_end() || peek() == '\n' || peek() == '\r') fail(line_, "unterminated string");
            const char c = text_[pos_++];
            if (c == '\'') return out;
            check_char(c, true);
            out += c;
        }
    }

    std::string basic_string() {
        ++pos_;
        std::string out;
        for (;;) {
            if (at_end() || peek() == '\n' || peek() == '\r') fail(line_, "unterminated string");
            const char c = text_[pos_++];
            if (c == '"') return out;
            if (c == '\\') {
                escape(out);
                continue;
            }
            check_char(c, true);
            out += c;
        }
    }

    // The closing delimiter of a multi-line string may be preceded by one or two quotes of the same
    // kind that belong to the content (TOML v1.0.0 "String").
    bool closing(char quote, std::string& out) {
        std::size_t n = 0;
        while (peek(n) == quote) ++n;
        if (n < 3) return false;
        if (n > 5) fail(line_, "too many quotes at the end of a multi-line string");
        out.append(n - 3, quote);
        pos_ += n;
        return true;
    }

    std::string multiline_literal_string() {
        pos_ += 3;
        newline();  // a newline right after the opening delimiter is trimmed
        std::string out;
        for (;;) {
            if (at_end()) fail(line_, "unterminated multi-line string");
            if (closing('\'', out)) return out;
            if (peek() == '\n' || (peek() == '\r' && peek(1) == '\n')) {
                out += '\n';
                newline();
                continue;
            }
            const char c = text_[pos_++];
            check_char(c, true);
            out += c;
        }
    }

    std::string multiline_basic_string() {
        pos_ += 3;
        newline();
        std::string out;
        for (;;) {
            if (at_end()) fail(line_, "unterminated multi-line string");
            if (closing('"', out)) return out;
            if (peek() == '\n' || (peek() == '\r' && peek(1) == '\n')) {
                out += '\n';
                newline();
                continue;
            }
            const char c = text_[pos_++];
            if (c == '\\') {
                // A backslash ending a line trims it and all whitespace up to the next content.
                std::size_t k = pos_;
                while (k < text_.size() && (text_[k] == ' ' || text_[k] == '\t')) ++k;
                if (k < text_.size() && (text_[k] == '\n' || text_[k] == '\r')) {
                    pos_ = k;
                    while (newline() || peek() == ' ' || peek() == '\t')
                        if (peek() == ' ' || peek() == '\t') ++pos_;
                    continue;
                }
                escape(out);
                continue;
            }
            check_char(c, true);
            out += c;
        }
    }

    void escape(std::string& out) {
        const char c = peek();
        ++pos_;
        switch (c) {
            case 'b':
                out += '\b';
                return;
            case 't':
                out += '\t';
                return;
            case 'n':
                out += '\n';
                return;
            case 'f':
                out += '\f';
                return;
            case 'r':
                out += '\r';
                return;
            case '"':
                out += '"';
                return;
            case '\\':
                out += '\\';
                return;
            case 'u':
                unicode(out, 4);
                return;
            case 'U':
                unicode(out, 8);
                return;
            default:
                fail(line_, "unknown escape '\\" + echo_input(std::string(1, c)) + "'");
        }
    }

    void unicode(std::string& out, std::size_t digits) {
        std::uint32_t cp = 0;
        for (std::size_t i = 0; i < digits; ++i) {
            const char c = peek();
            std::uint32_t v;
            if (c >= '0' && c <= '9')
                v = static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v = static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v = static_cast<std::uint32_t>(c - 'A' + 10);
            else
                fail(line_, "expected " + std::to_string(digits) + " hex digits after \\" + (digits == 4 ? "u" : "U"));
            cp = cp * 16 + v;
            ++pos_;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) fail(line_, "escape is not a Unicode scalar value");
        auto byte = [&](std::uint32_t b) { out += static_cast<char>(static_cast<unsigned char>(b)); };
        if (cp < 0x80) {
            byte(cp);
        } else if (cp < 0x800) {
            byte(0xC0 | (cp >> 6));
            byte(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            byte(0xE0 | (cp >> 12));
            byte(0x80 | ((cp >> 6) & 0x3F));
            byte(0x80 | (cp & 0x3F));
        } else {
            byte(0xF0 | (cp >> 18));
            byte(0x80 | ((cp >> 12) & 0x3F));
            byte(0x80 | ((cp >> 6) & 0x3F));
            byte(0x80 | (cp & 0x3F));
        }
    }

    std::string_view text_;
    std::string_view source_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

HashAlgo hash_algo(InitdataAlgorithm a) {
    switch (a) {
        case InitdataAlgorithm::sha256:
            return HashAlgo::sha256;
        case InitdataAlgorithm::sha512:
            return HashAlgo::sha512;
        case InitdataAlgorithm::sha384:
            break;
    }
    return HashAlgo::sha384;
}

}  // namespace

bool is_plain_kbs_url(std::string_view url) noexcept {
    // It goes into a TOML basic string unescaped, and the attestation agent must be able to use it.
    if (!url.starts_with("http://") && !url.starts_with("https://")) return false;
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\\' || c == '\'') return false;
    }
    return url.size() <= 2048;
}

std::string_view initdata_algorithm_name(InitdataAlgorithm algo) noexcept {
    for (const auto& [a, name] : kAlgorithms)
        if (a == algo) return name;
    return "sha384";
}

Initdata parse_initdata(std::string_view toml, std::string_view source) {
    if (toml.size() > kMaxInitdataBytes)
        throw InputError(std::string(source) + ": initdata is larger than " + std::to_string(kMaxInitdataBytes) +
                         " bytes");
    return TomlReader(toml, source).read();
}

Initdata load_initdata(const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec && size > kMaxInitdataBytes)
        throw InputError(file.string() + ": initdata is larger than " + std::to_string(kMaxInitdataBytes) + " bytes");
    return parse_initdata(read_text_file(file), file.string());
}

Bytes initdata_digest(const Initdata& initdata) {
    // initdata.md "Initdata Digest Calculating": the algorithm over the whole document as given.
    return hash(hash_algo(initdata.algorithm), as_bytes(initdata.text));
}

Bytes fit_initdata_digest(ByteSpan digest, std::size_t size) {
    Bytes out(size, std::byte{0});
    std::copy_n(digest.begin(), std::min(size, digest.size()), out.begin());
    return out;
}

std::optional<std::size_t> initdata_field_size(TeeKind tee) noexcept {
    switch (tee) {
        case TeeKind::sev_snp:
            return 32;  // SEV-SNP ABI, ATTESTATION_REPORT HOST_DATA
        case TeeKind::tdx:
            return 48;  // TDX Module ABI, TDREPORT MRCONFIGID
        case TeeKind::cca:
            return 64;  // RMM, realm personalization value
        default:
            return std::nullopt;
    }
}

std::optional<std::string_view> initdata_field_key(TeeKind tee) noexcept {
    switch (tee) {
        case TeeKind::sev_snp:
            return "host-data";
        case TeeKind::tdx:
            return "mrconfigid";
        case TeeKind::cca:
            return "personalization-value";
        default:
            return std::nullopt;
    }
}

std::string default_initdata(std::string_view vm_name, std::string_view kbs_url) {
    if (!is_plain_kbs_url(kbs_url))
        throw InputError("KBS URL '" + echo_input(kbs_url) +
                         "': expected http://HOST:PORT or https://HOST:PORT without quotes, spaces or backslashes");
    for (char c : vm_name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '_' || c == '.';
        if (!ok || vm_name.empty()) throw InputError("VM name '" + echo_input(vm_name) + "' cannot name an initdata");
    }
    const std::string url(kbs_url);
    std::string out;
    out += "# Initdata (confidential-containers/trustee kbs/docs/initdata.md) written by ccvmd.\n";
    out += "version = \"0.1.0\"\n";
    out += "algorithm = \"sha384\"\n\n";
    out += "[data]\n";
    out += "\"ccvm.vm\" = \"" + std::string(vm_name) + "\"\n";
    out += "\"aa.toml\" = '''\n[token_configs]\n[token_configs.kbs]\nurl = \"" + url + "\"\n'''\n";
    out += "\"cdh.toml\" = '''\n[kbc]\nname = \"cc_kbc\"\nurl = \"" + url + "\"\n'''\n";
    return out;
}

std::optional<Bytes> spec_initdata_binding(const VmSpec& spec) {
    if (!spec.initdata) return std::nullopt;
    const std::optional<std::size_t> size = initdata_field_size(spec.tee);
    if (!size) return std::nullopt;  // refused when the spec was read
    Initdata doc;
    try {
        doc = load_initdata(*spec.initdata);
    } catch (const InputError& e) {
        throw InputError(spec.where("initdata") + ": initdata: " + e.what());
    }
    return fit_initdata_digest(initdata_digest(doc), *size);
}

std::optional<Bytes> apply_initdata(VmSpec& spec) {
    if (!spec.initdata) return std::nullopt;
    std::optional<std::string>* field = nullptr;
    if (auto* o = std::get_if<SnpOptions>(&spec.tee_options)) field = &o->host_data;
    if (auto* o = std::get_if<TdxOptions>(&spec.tee_options)) field = &o->mrconfigid;
    if (auto* o = std::get_if<CcaOptions>(&spec.tee_options)) field = &o->personalization_value;
    if (field == nullptr) return std::nullopt;
    if (*field) return from_base64(**field, "initdata binding");
    std::optional<Bytes> binding = spec_initdata_binding(spec);
    if (binding) *field = to_base64(*binding);
    return binding;
}

}  // namespace ccvm::platform
