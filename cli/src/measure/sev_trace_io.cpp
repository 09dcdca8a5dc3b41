#include "measure/sev_trace_io.hpp"

#include <cctype>
#include <sstream>
#include <vector>

#include "args.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/base/json.hpp"

namespace ccvm::cli {
namespace {

constexpr std::string_view kHeader = "# ccvm measure trace v1";

std::string gpa_text(const std::optional<std::uint64_t>& gpa) {
    if (!gpa) return "-";
    return hex_number(*gpa);
}

std::optional<std::uint64_t> parse_gpa(const std::string& text, const std::string& where) {
    if (text == "-") return std::nullopt;
    return parse_uint(text, where);
}

bool is_hex_digest(std::string_view s) {
    if (s.empty() || s.size() % 2 != 0) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

}  // namespace

std::string render_trace_text(std::string_view mode, const sev::Trace& trace) {
    std::ostringstream out;
    out << kHeader << " mode=" << mode << " steps=" << trace.size() << " (index type gpa contents digest-after)\n";
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const sev::MeasureStep& s = trace[i];
        out << i << ' ' << s.type << ' ' << gpa_text(s.gpa) << ' ' << to_hex(s.contents) << ' '
            << to_hex(s.digest_after) << '\n';
    }
    return out.str();
}

json::Value trace_to_json(const sev::Trace& trace) {
    json::Value arr = json::Value::array();
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const sev::MeasureStep& s = trace[i];
        json::Value o;
        o["step"] = static_cast<unsigned long long>(i);
        o["type"] = s.type;
        o["gpa"] = s.gpa ? json::Value(gpa_text(s.gpa)) : json::Value();
        o["contents"] = to_hex(s.contents);
        o["digest_after"] = to_hex(s.digest_after);
        arr.push_back(std::move(o));
    }
    return arr;
}

SavedMeasurement parse_saved_measurement(std::string_view text, std::string_view source) {
    const std::string src(source);
    SavedMeasurement m;
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') {
        json::Value doc = json::parse(text, source);
        if (const json::Value* d = json::find(doc, "digest"); d != nullptr && d->is_string())
            m.digest = json::get_string(*d);
        if (const json::Value* t = json::find(doc, "trace")) {
            sev::Trace trace;
            for (const json::Value& step : json::get_array(*t, src + ": trace")) {
                sev::MeasureStep s;
                s.type = json::get_string(json::at(step, "type"), src + ": trace type");
                const json::Value& gpa = json::at(step, "gpa");
                if (!gpa.is_null()) s.gpa = json::get_u64(gpa, src + ": trace gpa");
                s.contents = from_hex(json::get_string(json::at(step, "contents")), src + ": trace contents");
                s.digest_after =
                    from_hex(json::get_string(json::at(step, "digest_after")), src + ": trace digest_after");
                trace.push_back(std::move(s));
            }
            m.trace = std::move(trace);
        }
        m.json = std::move(doc);
        return m;
    }
    std::istringstream in{std::string(text)};
    std::string line;
    std::size_t line_no = 0;
    sev::Trace trace;
    bool header = false;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if (line.rfind(kHeader, 0) == 0) {
            header = true;
            continue;
        }
        std::istringstream f(line);
        std::vector<std::string> fields;
        for (std::string w; f >> w;) fields.push_back(w);
        const std::string where = src + ":" + std::to_string(line_no);
        if (fields.size() == 5) {
            sev::MeasureStep s;
            s.type = fields[1];
            s.gpa = parse_gpa(fields[2], where + ": gpa");
            s.contents = from_hex(fields[3], where + ": contents");
            s.digest_after = from_hex(fields[4], where + ": digest");
            trace.push_back(std::move(s));
        } else if (fields.size() == 1 && is_hex_digest(fields[0])) {
            m.digest = fields[0];
        } else {
            throw InputError(where + ": not a `ccvm measure --trace` line or a hex digest");
        }
    }
    if (!header && !m.digest) {
        throw InputError(src + ": neither a `ccvm measure --trace` output nor `--output-format json` output");
    }
    if (header) m.trace = std::move(trace);
    return m;
}

}  // namespace ccvm::cli
