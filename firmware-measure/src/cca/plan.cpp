#include "ccvm/firmware-measure/cca/plan.hpp"

#include <initializer_list>
#include <limits>
#include <string>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/cca/rem.hpp"

namespace ccvm::cca {
namespace {

// Field access with errors that say where in the plan the problem is.
class Fields {
public:
    Fields(const json::Value& value, std::string where, std::string_view source)
        : source_(source), where_(std::move(where)) {
        if (!value.is_object()) fail(where_, "must be a JSON object");
        obj_ = &value;
    }

    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw InputError(std::string(source_) + ": " + field + " " + what);
    }
    std::string path(std::string_view key) const {
        return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
    }

    // Rejects members other than `known`, so a typo never silently changes the measurement.
    void only(std::initializer_list<std::string_view> known) const {
        for (const auto& [key, value] : json::get_object(*obj_)) {
            bool ok = false;
            for (std::string_view k : known) ok = ok || k == key;
            if (!ok) fail(path(key), "is not a known field here");
        }
    }
    const json::Value& at(std::string_view key) const {
        const json::Value* v = json::find(*obj_, key);
        if (!v) fail(path(key), "is missing");
        return *v;
    }
    bool has(std::string_view key) const { return json::find(*obj_, key) != nullptr; }

    std::uint64_t u64(std::string_view key, std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) const {
        return number(at(key), path(key), max);
    }
    // A plan integer: a JSON number in plain decimal notation.
    std::uint64_t number(const json::Value& v, const std::string& field,
                         std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) const {
        if (!v.is_number()) fail(field, "must be a JSON number (plan integers are numbers)");
        // nlohmann reads a whole number that fits 64 bits as an unsigned integer; anything else
        // (fraction, exponent, sign, a bigger number read as a double) is not a plan integer.
        if (!v.is_number_unsigned()) {
            if (v.is_number_float() && v.get<double>() >= 0x1p64)
                fail(field, "does not fit in 64 bits: " + json::dump(v));
            fail(field, "must be a non-negative integer, got " + json::dump(v));
        }
        const std::uint64_t out = v.get<std::uint64_t>();
        if (out > max) fail(field, "is " + std::to_string(out) + ", above the maximum " + std::to_string(max));
        return out;
    }
    std::uint32_t u32(std::string_view key) const {
        return static_cast<std::uint32_t>(u64(key, std::numeric_limits<std::uint32_t>::max()));
    }
    const std::string& str(std::string_view key) const {
        const json::Value& v = at(key);
        if (!v.is_string()) fail(path(key), "must be a string");
        return json::get_string(v);
    }
    Bytes hex(std::string_view key) const { return from_hex(str(key), std::string(source_) + ": " + path(key)); }

private:
    std::string_view source_;
    std::string where_;
    const json::Value* obj_ = nullptr;
};

RealmParams parse_realm_params(const Fields& f) {
    f.only({"flags", "s2sz", "sve_vl", "num_bps", "num_wps", "pmu_num_ctrs"});
    RealmParams p;
    p.flags = f.u64("flags");
    p.s2sz = f.u32("s2sz");
    p.sve_vl = f.u32("sve_vl");
    p.num_bps = f.u32("num_bps");
    p.num_wps = f.u32("num_wps");
    p.pmu_num_ctrs = f.u32("pmu_num_ctrs");
    return p;
}

PlanOp parse_op(const Fields& f, const std::filesystem::path& base_dir) {
    const std::string& op = f.str("op");
    if (op == "init_ripas") {
        f.only({"op", "base", "top"});
        InitRipasOp r{f.u64("base"), f.u64("top")};
        if (!is_granule_aligned(r.base)) f.fail(f.path("base"), "must be 4 KiB aligned");
        if (!is_granule_aligned(r.top)) f.fail(f.path("top"), "must be 4 KiB aligned");
        if (r.top <= r.base) f.fail(f.path("top"), "must be above base");
        return r;
    }
    if (op == "data") {
        f.only({"op", "ipa", "file", "hex"});
        DataOp d;
        d.ipa = f.u64("ipa");
        if (f.has("file") == f.has("hex")) f.fail(f.path("file"), "or hex: exactly one must be given");
        if (f.has("file")) {
            const std::string& file = f.str("file");
            if (file.empty()) f.fail(f.path("file"), "is empty");
            d.source = base_dir / std::filesystem::path(file);
        } else {
            d.source = f.hex("hex");
        }
        return d;
    }
    if (op == "data_unmeasured") {
        f.only({"op", "ipa", "size"});
        DataUnmeasuredOp d{f.u64("ipa"), f.u64("size")};
        if (d.size == 0) f.fail(f.path("size"), "must be non-zero");
        return d;
    }
    if (op == "rec") {
        f.only({"op", "flags", "mpidr", "pc", "gprs"});
        RecOp r;
        r.params.flags = f.u64("flags");
        if (r.params.flags & ~kRecFlagRunnable) f.fail(f.path("flags"), "may only set bit 0 (RUNNABLE)");
        if (f.has("mpidr")) r.params.mpidr = f.u64("mpidr");
        r.params.pc = f.u64("pc");
        const json::Value& gprs = f.at("gprs");
        if (!gprs.is_array() || json::get_array(gprs).size() != r.params.gprs.size())
            f.fail(f.path("gprs"), "must be a list of 8 integers (x0..x7)");
        for (std::size_t i = 0; i < r.params.gprs.size(); ++i)
            r.params.gprs[i] = f.number(json::get_array(gprs)[i], f.path("gprs") + "[" + std::to_string(i) + "]");
        return r;
    }
    if (op == "rem_extend") {
        f.only({"op", "index", "hex"});
        RemExtendOp r;
        r.index = static_cast<std::size_t>(f.u64("index", kRemCount - 1));
        r.data = f.hex("hex");
        if (r.data.size() > kMaxExtendSize)
            f.fail(f.path("hex"),
                   "is " + std::to_string(r.data.size()) + " bytes; RSI_MEASUREMENT_EXTEND takes at most 64");
        return r;
    }
    f.fail(f.path("op"), "'" + op + "' is not one of init_ripas, data, data_unmeasured, rec, rem_extend");
}

}  // namespace

Plan parse_plan(std::string_view text, const std::filesystem::path& base_dir, std::string_view source) {
    const json::Value doc = json::parse(text, source);
    const Fields top(doc, "", source);
    top.only({"hash_algo", "realm_params", "ops", "rmm_version"});
    Plan plan;
    if (top.has("rmm_version"))
        plan.rmm_version = parse_rmm_version(top.str("rmm_version"), std::string(source) + ": rmm_version");
    plan.realm_params = parse_realm_params(Fields(top.at("realm_params"), "realm_params", source));
    plan.realm_params.hash_algo =
        parse_measurement_algo(top.str("hash_algo"), plan.rmm_version, std::string(source) + ": hash_algo");
    validate(plan.realm_params, plan.rmm_version, source);
    const json::Value& ops = top.at("ops");
    if (!ops.is_array()) top.fail("ops", "must be a list");
    for (std::size_t i = 0; i < json::get_array(ops).size(); ++i)
        plan.ops.push_back(
            parse_op(Fields(json::get_array(ops)[i], "ops[" + std::to_string(i) + "]", source), base_dir));
    return plan;
}

Plan load_plan(const std::filesystem::path& path) {
    return parse_plan(read_text_file(path), path.parent_path(), path.string());
}

json::Value to_json(const Plan& plan) {
    const RealmParams& p = plan.realm_params;
    json::Value out;
    out["hash_algo"] = std::string(to_string(p.hash_algo));
    json::Value params;
    params["flags"] = p.flags;
    params["s2sz"] = p.s2sz;
    params["sve_vl"] = p.sve_vl;
    params["num_bps"] = p.num_bps;
    params["num_wps"] = p.num_wps;
    params["pmu_num_ctrs"] = p.pmu_num_ctrs;
    out["realm_params"] = std::move(params);
    json::Value ops = json::Value::array();
    for (const PlanOp& op : plan.ops) {
        json::Value o;
        if (const auto* r = std::get_if<InitRipasOp>(&op)) {
            o["op"] = "init_ripas";
            o["base"] = r->base;
            o["top"] = r->top;
        } else if (const auto* d = std::get_if<DataOp>(&op)) {
            o["op"] = "data";
            o["ipa"] = d->ipa;
            if (const auto* file = std::get_if<std::filesystem::path>(&d->source))
                o["file"] = file->string();
            else
                o["hex"] = to_hex(std::get<Bytes>(d->source));
        } else if (const auto* u = std::get_if<DataUnmeasuredOp>(&op)) {
            o["op"] = "data_unmeasured";
            o["ipa"] = u->ipa;
            o["size"] = u->size;
        } else if (const auto* rec = std::get_if<RecOp>(&op)) {
            o["op"] = "rec";
            o["flags"] = rec->params.flags;
            o["pc"] = rec->params.pc;
            json::Value gprs = json::Value::array();
            for (std::uint64_t g : rec->params.gprs) gprs.push_back(g);
            o["gprs"] = std::move(gprs);
        } else if (const auto* rem = std::get_if<RemExtendOp>(&op)) {
            o["op"] = "rem_extend";
            o["index"] = rem->index;
            o["hex"] = to_hex(rem->data);
        }
        ops.push_back(std::move(o));
    }
    out["ops"] = std::move(ops);
    out["rmm_version"] = std::string(to_string(plan.rmm_version));
    return out;
}

}  // namespace ccvm::cca
