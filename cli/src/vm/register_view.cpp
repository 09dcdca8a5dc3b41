#include "vm/register_view.hpp"

#include <algorithm>
#include <cctype>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"

namespace ccvm::cli {
namespace {

// AMD SEV API specification, LAUNCH_MEASURE: MEASURE (32 bytes) then MNONCE (16 bytes); libvirt reports both
// as sev-measurement. MEASURE is HMAC-SHA256 keyed with the TIK over the launch digest and the
// platform and nonce fields, so it never equals the expected launch_digest itself.
constexpr std::size_t kMeasureHex = 64;
constexpr std::size_t kLaunchMeasureHex = 96;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::optional<std::string> hex_of(const json::Value* v) {
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return lower(json::get_string(*v));
}

RegisterRow* find_row(std::vector<RegisterRow>& rows, const std::string& name) {
    for (RegisterRow& r : rows)
        if (r.name == name) return &r;
    return nullptr;
}

std::size_t bytes_of(const RegisterRow& r) {
    const std::optional<std::string>& v = r.expected ? r.expected : r.reported;
    return v ? v->size() / 2 : 0;
}

// The family's registers in report order, then the others the value holds (by name).
std::vector<std::string> ordered_names(platform::TeeKind tee, const Registers& regs) {
    std::vector<std::string> names = platform::register_names(tee);
    const auto add = [&names](const std::string& name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    };
    for (const auto& [name, value] : regs.values) add(name);
    for (const auto& [name, why] : regs.not_computed) add(name);
    return names;
}

}  // namespace

json::Value expected_registers_json(platform::TeeKind tee, const Registers& regs) {
    json::Value values = json::Value::object();
    json::Value missing = json::Value::object();
    for (const std::string& name : ordered_names(tee, regs)) {
        const auto value = regs.values.find(name);
        if (value != regs.values.end()) {
            values[name] = to_hex(value->second);
            continue;
        }
        values[name] = nullptr;
        const auto why = regs.not_computed.find(name);
        missing[name] = why != regs.not_computed.end() ? why->second : "not computed";
    }
    json::Value out = json::Value::object();
    out["registers"] = std::move(values);
    out["not_computed"] = std::move(missing);
    return out;
}

json::Value measurement_json(const platform::Measurement& m) {
    json::Value out = json::Value::object();
    out["name"] = m.name;
    out["tee"] = std::string(platform::tee_name(m.tee));
    json::Value regs = expected_registers_json(m.tee, m.registers);
    for (auto& [key, value] : regs.get_ref<json::Value::object_t&>()) out[key] = std::move(value);
    if (m.init_data) out["init_data"] = to_hex(*m.init_data);
    return out;
}

std::vector<RegisterRow> register_rows(const json::Value& expected, const std::string& launch_measurement,
                                       const json::Value& evidence) {
    std::vector<RegisterRow> rows;
    if (const json::Value* regs = expected.is_object() ? json::find(expected, "registers") : nullptr;
        regs && regs->is_object())
        for (const auto& [name, value] : json::get_object(*regs))
            rows.push_back({name, hex_of(&value), std::nullopt, ""});
    if (const json::Value* why = expected.is_object() ? json::find(expected, "not_computed") : nullptr;
        why && why->is_object())
        for (const auto& [name, value] : json::get_object(*why))
            if (RegisterRow* r = find_row(rows, name); r != nullptr && !r->expected)
                r->note = "not computed: " + (value.is_string() ? json::get_string(value) : json::dump(value));
    if (evidence.is_object()) {
        for (const auto& [name, value] : json::get_object(evidence)) {
            if (RegisterRow* r = find_row(rows, name)) {
                r->reported = hex_of(&value);
            } else {
                rows.push_back({name, std::nullopt, hex_of(&value), ""});
            }
        }
    }
    if (launch_measurement.size() == kLaunchMeasureHex && find_row(rows, "launch_digest") != nullptr) {
        const std::string blob = lower(launch_measurement);
        rows.push_back({"measure", std::nullopt, blob.substr(0, kMeasureHex),
                        "HMAC-SHA256 of launch_digest keyed with the TIK; ccvmd checks it"});
        rows.push_back({"mnonce", std::nullopt, blob.substr(kMeasureHex), "the firmware's nonce in that HMAC"});
    } else if (!launch_measurement.empty()) {
        rows.push_back({"launch_measurement", std::nullopt, lower(launch_measurement), ""});
    }
    return rows;
}

json::Value registers_json(const std::vector<RegisterRow>& rows) {
    json::Value out = json::Value::array();
    for (const RegisterRow& r : rows) {
        json::Value row;
        row["name"] = r.name;
        row["bytes"] = static_cast<unsigned long long>(bytes_of(r));
        row["expected"] = r.expected ? json::Value(*r.expected) : json::Value();
        row["reported"] = r.reported ? json::Value(*r.reported) : json::Value();
        if (!r.note.empty()) row["note"] = r.note;
        out.push_back(std::move(row));
    }
    return out;
}

void print_registers(std::ostream& out, const std::vector<RegisterRow>& rows) {
    for (const RegisterRow& r : rows) {
        out << r.name;
        if (const std::size_t n = bytes_of(r)) out << " (" << n << " bytes)";
        out << ":";
        if (r.expected) out << " expected " << *r.expected;
        if (r.expected && r.reported) out << ",";
        if (r.reported) out << " reported " << *r.reported;
        if (r.expected && r.reported) out << (*r.expected == *r.reported ? " (equal)" : " (DIFFERENT)");
        if (!r.note.empty()) out << (r.expected || r.reported ? " (" + r.note + ")" : " " + r.note);
        out << "\n";
    }
}

}  // namespace ccvm::cli
