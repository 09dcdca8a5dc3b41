// `ccvm eventlog replay`: replays a guest's CC event log (CCEL data; TDX SHA-384 or Hygon CSV SM3)
// to its register values and, with --expect, names the first event that differs from the expected
// events and registers.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/cc_event_log.hpp"
#include "ccvm/firmware-measure/cc_event_log_diff.hpp"
#include "commands.hpp"
#include "flag_names.hpp"

namespace ccvm::cli {
namespace {

struct ReplayArgs {
    std::string ccel;
    std::optional<std::string> expect;
    std::optional<std::string> mode;  // tdx | csv; default: the log's algorithm decides
    std::string output_format = "json";
};

std::optional<CcPlatform> platform_of_mode(const std::optional<std::string>& mode) {
    if (!mode) return std::nullopt;
    if (*mode == "tdx") return CcPlatform::tdx;
    if (*mode == "csv") return CcPlatform::csv;
    throw InputError("eventlog replay: --mode must be tdx or csv, not '" + *mode + "'");
}

// Event data as text when it is printable ASCII (EV_EFI_ACTION strings), else its size.
std::string describe(const CcEvent& e) {
    std::string_view s = as_chars(e.data);
    while (!s.empty() && s.back() == '\0') s.remove_suffix(1);
    const bool printable = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isprint(static_cast<unsigned char>(c));
    });
    return printable ? std::string(s) : std::to_string(e.data.size()) + " bytes of event data";
}

Bytes digest_from_hex(const json::Value& v, HashAlgo algo, const std::string& what) {
    Bytes b = from_hex(json::get_string(v, what), what);
    if (b.size() != digest_size(algo))
        throw InputError(what + ": expected " + std::to_string(digest_size(algo)) + " bytes of hex (" +
                         std::string(to_string(algo)) + ", the event log's algorithm), got " +
                         std::to_string(b.size()));
    return b;
}

// The MR index of a register number ("rtmr" of an expected event), or nullopt.
std::optional<std::uint32_t> mr_index_of(CcPlatform platform, std::uint64_t reg) {
    for (std::uint32_t mr = 1; mr <= kCcMrCount; ++mr)
        if (cc_register_number(platform, mr) == reg) return mr;
    return std::nullopt;
}

// `ccvm measure` output ({"rtmrN": hex, "events": [...]}) or a verify-report --json verdict (TDX:
// "rtmrN" keys; CSV: an "rtmr" array indexed by register number). Registers are named as the log's
// platform names them.
ExpectedCcRegisters load_expectation(const std::string& path, const CcEventLog& log) {
    const json::Value doc = json::parse(read_text_file(path), path);
    const CcPlatform platform = log.platform();
    const json::Value* array = json::find(doc, "rtmr");
    ExpectedCcRegisters exp;
    for (std::uint32_t mr = 1; mr <= kCcMrCount; ++mr) {
        const std::string key = cc_register_name(platform, mr);
        const unsigned n = cc_register_number(platform, mr);
        const json::Value* v = json::find(doc, key);
        if (v == nullptr && array != nullptr && array->is_array() && n < json::get_array(*array).size())
            v = &json::get_array(*array)[n];
        if (v != nullptr && !v->is_null()) exp.values[mr - 1] = digest_from_hex(*v, log.algorithm, path + ": " + key);
    }
    if (const json::Value* events = json::find(doc, "events")) {
        std::size_t i = 0;
        for (const json::Value& e : json::get_array(*events, path + ": events")) {
            const std::string what = path + ": events." + std::to_string(i++);
            const std::uint64_t reg = json::get_u64(json::at(e, "rtmr"), what + ".rtmr");
            const auto mr = mr_index_of(platform, reg);
            if (!mr)
                throw InputError(what + ".rtmr: " + std::to_string(reg) + " is not one of the " +
                                 std::string(cc_platform_name(platform)) + " registers the log extends (" +
                                 cc_register_name(platform, 1) + ".." + cc_register_name(platform, kCcMrCount) + ")");
            ExpectedCcEvent ev;
            ev.mr_index = *mr;
            ev.digest = digest_from_hex(json::at(e, "digest"), log.algorithm, what + ".digest");
            if (const json::Value* d = json::find(e, "description"))
                ev.description = json::get_string(*d, what + ".description");
            exp.events.push_back(std::move(ev));
        }
    }
    return exp;
}

json::Value to_json(const CcEventLog& log, const CcRegisters& regs) {
    const CcPlatform platform = log.platform();
    json::Value out;
    out["platform"] = platform == CcPlatform::csv ? "csv" : "tdx";
    out["algorithm"] = std::string(to_string(log.algorithm));
    out["algorithm_id"] = hex_number(log.algorithm_id);
    for (std::uint32_t mr = 1; mr <= kCcMrCount; ++mr)
        out[cc_register_name(platform, mr)] = to_hex(regs.values[mr - 1]);
    json::Value events = json::Value::array();
    for (const CcEvent& e : log.events) {
        if (!e.measured()) continue;
        json::Value ev;
        ev["rtmr"] = json::Value(cc_register_number(platform, e.mr_index));
        const Bytes* d = log.digest_of(e);
        ev["digest"] = d ? to_hex(*d) : std::string();
        ev["description"] = describe(e);
        ev["type"] = event_type_name(e.type);
        ev["offset"] = json::Value(static_cast<unsigned long long>(e.offset));
        events.push_back(std::move(ev));
    }
    out["events"] = std::move(events);
    return out;
}

int run_replay(const ReplayArgs& a) {
    if (a.output_format != "json" && a.output_format != "hex") {
        throw InputError("eventlog replay: --output-format must be json or hex, not '" + a.output_format + "'");
    }
    const std::optional<CcPlatform> platform = platform_of_mode(a.mode);
    const MappedFile file(a.ccel);
    const CcEventLog log = parse_cc_event_log(file.bytes(), a.ccel, platform);
    std::optional<ExpectedCcRegisters> expected;
    if (a.expect) expected = load_expectation(*a.expect, log);
    const CcRegisters regs = replay_cc_event_log(log, a.ccel);

    if (a.output_format == "hex") {
        for (const Bytes& r : regs.values) std::cout << to_hex(r) << "\n";
    } else {
        std::cout << json::dump(to_json(log, regs), true) << "\n";
    }
    std::cout.flush();
    if (!expected) return 0;
    for (std::uint32_t mr = 1; mr <= kCcMrCount; ++mr)
        if (!expected->values[mr - 1])
            std::cerr << "ccvm: " << cc_register_name(log.platform(), mr) << " not compared: " << *a.expect
                      << " has no value for it\n";
    if (auto diff = first_difference(log, *expected)) {
        throw MismatchError("event log " + a.ccel + " differs from " + *a.expect + ": " + diff->message);
    }
    std::cerr << "ccvm: event log matches " << *a.expect << "\n";
    return 0;
}

}  // namespace

void add_eventlog_command(CLI::App& app, Commands& commands) {
    auto args = std::make_shared<ReplayArgs>();
    CLI::App* eventlog = ensure_subcommand(app, "eventlog", "Work with a guest's CC event log (TDX, Hygon CSV)");
    CLI::App* r = eventlog->add_subcommand("replay", "Replay a CC event log (CCEL data) to RTMR values");
    r->add_option("--ccel", args->ccel, "Event log, e.g. a copy of /sys/firmware/acpi/tables/data/CCEL")->required();
    r->add_option(
        "--expect", args->expect,
        "JSON to compare against: `ccvm measure --mode tdx` output, or `ccvm attest verify-report --json` output");
    r->add_option("--mode", args->mode,
                  "Platform the log is from: tdx (SHA-384, MR index i = RTMR i-1) or csv (SM3, MR index i = RTMR i); "
                  "default: the digest algorithm the log's spec-ID event lists");
    r->add_option("--output-format", args->output_format, "json (default) or hex");
    commands.add(r, [args] { return naming_flags([&] { return run_replay(*args); }); });
}

}  // namespace ccvm::cli
