// `ccvm measure --mode cca`: the Arm CCA Realm Initial Measurement and REMs, from a plan
// (--plan) or from a VMM layout (--vmm qemu|kvmtool).
#include <iostream>
#include <limits>
#include <string>

#include "args.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/firmware-measure/cca/kvmtool_layout.hpp"
#include "ccvm/firmware-measure/cca/qemu_virt_layout.hpp"
#include "ccvm/firmware-measure/cca/replay.hpp"
#include "ccvm/firmware-measure/cca/rtt_block_split.hpp"
#include "measure/measure_args.hpp"

namespace ccvm::cli {
namespace {

unsigned parse_small(const std::string& text, std::string_view flag) {
    const std::uint64_t v = parse_uint(text, flag);
    if (v > std::numeric_limits<unsigned>::max()) throw InputError(std::string(flag) + ": " + text + " is too large");
    return static_cast<unsigned>(v);
}

// Flags that only the high-level form reads; with --plan they would be silently ignored.
void reject_with_plan(const MeasureArgs& a) {
    const std::pair<bool, const char*> flags[] = {{a.vmm.has_value(), "--vmm"},
                                                  {a.kernel.has_value(), "--kernel"},
                                                  {a.initrd.has_value(), "--initrd"},
                                                  {a.firmware.has_value(), "--firmware"},
                                                  {a.firmware_address.has_value(), "--firmware-address"},
                                                  {a.dtb.has_value(), "--dtb"},
                                                  {a.memory.has_value(), "--memory"},
                                                  {a.vcpus.has_value(), "--vcpus"},
                                                  {a.hash_algo.has_value(), "--hash-algo"},
                                                  {a.ipa_bits.has_value(), "--ipa-bits"},
                                                  {a.sve_vl.has_value(), "--sve-vl"},
                                                  {a.pmu_counters.has_value(), "--pmu-counters"},
                                                  {a.num_bps.has_value(), "--num-bps"},
                                                  {a.num_wps.has_value(), "--num-wps"},
                                                  {a.lpa2, "--lpa2"},
                                                  {a.measurement_log, "--measurement-log"},
                                                  {a.rmm_version.has_value(), "--rmm-version"}};
    for (const auto& [given, name] : flags)
        if (given)
            throw InputError(std::string("measure --mode cca: ") + name +
                             " cannot be combined with --plan (the plan states it)");
}

cca::Plan plan_from_vmm(const MeasureArgs& a) {
    if (!a.vmm) throw InputError("measure --mode cca: give --plan PLAN.json or --vmm qemu|kvmtool");
    if (*a.vmm != "qemu" && *a.vmm != "kvmtool")
        throw InputError("--vmm: unknown VMM '" + *a.vmm + "' (expected qemu or kvmtool)");
    if (!a.dtb) throw InputError("--dtb is required: the realm's DTB is measured byte for byte");
    if (!a.memory) throw InputError("--memory is required (guest RAM in bytes, K/M/G suffixes allowed)");
    if (!a.vcpus) throw InputError("--vcpus is required");
    if (!a.num_bps) throw InputError("--num-bps is required (the host's breakpoint count, 2..64)");
    if (!a.num_wps) throw InputError("--num-wps is required (the host's watchpoint count, 2..64)");

    cca::VmmInputs in;
    if (a.kernel) in.kernel = *a.kernel;
    if (a.initrd) in.initrd = *a.initrd;
    if (a.firmware) in.firmware = *a.firmware;
    if (a.firmware_address) {
        if (!a.firmware) throw InputError("--firmware-address needs --firmware");
        in.firmware_address = parse_uint(*a.firmware_address, "--firmware-address");
    }
    in.dtb = *a.dtb;
    in.memory = parse_size(*a.memory, "--memory");
    in.vcpus = parse_small(*a.vcpus, "--vcpus");
    in.measurement_log = a.measurement_log;
    cca::RealmConfig& r = in.realm;
    if (a.rmm_version) r.rmm_version = cca::parse_rmm_version(*a.rmm_version, "--rmm-version");
    if (a.hash_algo) r.hash_algo = cca::parse_measurement_algo(*a.hash_algo, r.rmm_version, "--hash-algo");
    if (a.ipa_bits) r.ipa_bits = parse_small(*a.ipa_bits, "--ipa-bits");
    if (a.sve_vl) r.sve_vl_bits = parse_small(*a.sve_vl, "--sve-vl");
    if (a.pmu_counters) r.pmu_counters = parse_small(*a.pmu_counters, "--pmu-counters");
    r.num_bps = parse_small(*a.num_bps, "--num-bps");
    r.num_wps = parse_small(*a.num_wps, "--num-wps");
    r.lpa2 = a.lpa2;
    return *a.vmm == "qemu" ? cca::qemu_virt_plan(in) : cca::kvmtool_plan(in);
}

std::string_view kind_name(cca::TraceKind kind) {
    switch (kind) {
        case cca::TraceKind::realm_create:
            return "realm_create";
        case cca::TraceKind::ripas:
            return "ripas";
        case cca::TraceKind::data:
            return "data";
        case cca::TraceKind::rec:
            return "rec";
        case cca::TraceKind::rem_extend:
            return "rem_extend";
    }
    return "?";
}

json::Value trace_json(const cca::TraceEntry& e) {
    json::Value o;
    o["desc"] = kind_name(e.kind);
    switch (e.kind) {
        case cca::TraceKind::realm_create:
            break;
        case cca::TraceKind::ripas:
            o["base"] = hex_number(e.base);
            o["top"] = hex_number(e.top);
            break;
        case cca::TraceKind::data:
            o["ipa"] = hex_number(e.base);
            o["flags"] = e.flags;
            o["content"] = to_hex(e.content);
            break;
        case cca::TraceKind::rec:
            o["flags"] = e.flags;
            o["content"] = to_hex(e.content);
            break;
        case cca::TraceKind::rem_extend:
            o["index"] = e.index;
            o["data"] = to_hex(e.content);
            break;
    }
    o[e.kind == cca::TraceKind::rem_extend ? "rem" : "rim"] = to_hex(e.result);
    return o;
}

// RIPAS entries grouped as [first_base, last_top, block_size, count] (veraison/cca-realm-measurements).
json::Value ripas_runs_json(const cca::Trace& trace) {
    std::vector<cca::RttEntry> entries;
    for (const cca::TraceEntry& e : trace)
        if (e.kind == cca::TraceKind::ripas) entries.push_back({e.base, e.top - e.base});
    json::Value runs = json::Value::array();
    for (const cca::RipasRun& r : cca::ripas_runs(entries)) {
        json::Value run = json::Value::array();
        run.push_back(hex_number(r.first_base));
        run.push_back(hex_number(r.last_top));
        run.push_back(hex_number(r.block_size));
        run.push_back(r.count);
        runs.push_back(std::move(run));
    }
    return runs;
}

cca::ReplayOptions trace_options(bool trace) {
    cca::ReplayOptions o;
    o.trace = trace;
    return o;
}

}  // namespace

int run_cca_measure(const MeasureArgs& args) {
    if (args.output_format != "hex" && args.output_format != "base64" && args.output_format != "json")
        throw InputError("--output-format: '" + args.output_format + "' is not hex, base64 or json");
    cca::Plan plan;
    if (args.plan) {
        reject_with_plan(args);
        plan = cca::load_plan(*args.plan);
    } else {
        plan = plan_from_vmm(args);
    }
    const cca::RealmMeasurements m = cca::replay(plan, trace_options(args.trace));

    if (args.output_format == "json") {
        json::Value out;
        out["rim"] = to_hex(m.rim);
        json::Value rems = json::Value::array();
        for (const Bytes& rem : m.rems) rems.push_back(to_hex(rem));
        out["rem"] = std::move(rems);
        out["hash_algo"] = std::string(cca::to_string(m.algo));
        out["rmm_version"] = std::string(cca::to_string(plan.rmm_version));
        if (args.trace) {
            out["plan"] = cca::to_json(plan);
            out["ripas_runs"] = ripas_runs_json(m.trace);
            json::Value trace = json::Value::array();
            for (const cca::TraceEntry& e : m.trace) trace.push_back(trace_json(e));
            out["trace"] = std::move(trace);
        }
        std::cout << json::dump(out, true) << "\n";
        return 0;
    }
    if (args.trace)  // stdout stays the bare digest; the steps go to stderr
        for (const cca::TraceEntry& e : m.trace) std::cerr << json::dump(trace_json(e)) << "\n";
    std::cout << (args.output_format == "base64" ? to_base64(m.rim) : to_hex(m.rim)) << "\n";
    return 0;
}

}  // namespace ccvm::cli
