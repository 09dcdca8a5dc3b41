#include "measure/tdx_output.hpp"

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "flag_names.hpp"

namespace ccvm::cli {
namespace {

struct Named {
    std::string name;
    const tdx::RegisterValue* reg;
};

std::vector<Named> registers(const tdx::TdxMeasurement& m) {
    std::vector<Named> out{{"mrtd", &m.mrtd}};
    for (std::size_t i = 0; i < m.rtmr.size(); ++i) out.push_back({"rtmr" + std::to_string(i), &m.rtmr[i]});
    return out;
}

}  // namespace

json::Value tdx_event_json(const tdx::Event& e) {
    json::Value ev;
    ev["rtmr"] = json::Value(e.rtmr);
    ev["digest"] = to_hex(e.digest);
    ev["description"] = e.description;
    ev["type"] = tdx::event_type_name(static_cast<std::uint32_t>(e.type));
    return ev;
}

json::Value tdx_measurement_json(const tdx::TdxMeasurement& m) {
    json::Value out;
    json::Value reasons, notes;
    for (const Named& r : registers(m)) {
        if (r.reg->value) {
            out[r.name] = to_hex(*r.reg->value);
            if (!r.reg->note.empty()) notes[r.name] = r.reg->note;
        } else {
            out[r.name] = nullptr;
            reasons[r.name] = with_flag_names(r.reg->reason);
        }
    }
    if (!reasons.is_null()) out["not_computed"] = std::move(reasons);
    if (!notes.is_null()) out["notes"] = std::move(notes);
    json::Value events = json::Value::array();
    for (const tdx::Event& e : m.events) events.push_back(tdx_event_json(e));
    out["events"] = std::move(events);
    return out;
}

std::string tdx_measurement_hex(const tdx::TdxMeasurement& m) {
    std::string out;
    for (const Named& r : registers(m)) {
        if (!out.empty()) out += "\n";
        out += r.reg->value ? to_hex(*r.reg->value) : "not computed: " + with_flag_names(r.reg->reason);
    }
    return out;
}

}  // namespace ccvm::cli
