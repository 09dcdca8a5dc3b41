// `ccvm eventlog replay`: replays a TD's CC event log (CCEL data) to RTMR values and, with
// --expect, names the first event that differs from `ccvm measure --mode tdx` output (tdx.md §4, §8).
#include <cctype>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>

#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/json.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
#include "ccvm/firmware-measure/tdx/ccel.hpp"
#include "ccvm/firmware-measure/tdx/event_log_diff.hpp"
#include "commands.hpp"

namespace ccvm::cli {
namespace {

struct ReplayArgs {
    std::string ccel;
    std::optional<std::string> expect;
    std::string output_format = "json";
};

// Event data as text when it is printable ASCII (EV_EFI_ACTION strings), else its size.
std::string describe(const tdx::CcelEvent& e) {
    std::string_view s = as_chars(e.data);
    while (!s.empty() && s.back() == '\0') s.remove_suffix(1);
    const bool printable = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isprint(static_cast<unsigned char>(c)); });
    return printable ? std::string(s) : std::to_string(e.data.size()) + " bytes of event data";
}

Sha384Digest digest_from_hex(const json::Value& v, const std::string& what) {
    Bytes b = from_hex(v.as_string(what), what);
    if (b.size() != 48) throw InputError(what + ": expected 48 bytes of hex, got " + std::to_string(b.size()));
    Sha384Digest d{};
    std::memcpy(d.data(), b.data(), d.size());
    return d;
}

tdx::ExpectedRegisters load_expectation(const std::string& path) {
    const json::Value doc = json::parse(read_text_file(path), path);
    tdx::ExpectedRegisters exp;
    for (unsigned r = 0; r < tdx::kRtmrCount; ++r) {
        const std::string key = "rtmr" + std::to_string(r);
        const json::Value* v = doc.find(key);
        if (v != nullptr && !v->is_null()) exp.values[r] = digest_from_hex(*v, path + ": " + key);
    }
    if (const json::Value* events = doc.find("events")) {
        std::size_t i = 0;
        for (const json::Value& e : events->as_array(path + ": events")) {
            const std::string what = path + ": events." + std::to_string(i++);
            tdx::Event ev;
            ev.rtmr = static_cast<unsigned>(e.at("rtmr").as_u64(what + ".rtmr"));
            if (ev.rtmr >= tdx::kRtmrCount) throw InputError(what + ".rtmr: " + std::to_string(ev.rtmr) + " is not 0..3");
            ev.digest = digest_from_hex(e.at("digest"), what + ".digest");
            if (const json::Value* d = e.find("description")) ev.description = d->as_string(what + ".description");
            exp.events.push_back(std::move(ev));
        }
    }
    return exp;
}

int run_replay(const ReplayArgs& a) {
    if (a.output_format != "json" && a.output_format != "hex") {
        throw InputError("eventlog replay: --output-format must be json or hex, not '" + a.output_format + "'");
    }
    std::optional<tdx::ExpectedRegisters> expected;
    if (a.expect) expected = load_expectation(*a.expect);
    const MappedFile file(a.ccel);
    const tdx::CcelLog log = tdx::parse_ccel(file.bytes(), a.ccel);
    const tdx::Rtmrs rtmrs = tdx::replay_ccel(log, a.ccel);

    if (a.output_format == "hex") {
        for (const auto& r : rtmrs) std::cout << to_hex(r) << "\n";
    } else {
        json::Value out;
        for (unsigned r = 0; r < tdx::kRtmrCount; ++r) out.set("rtmr" + std::to_string(r), to_hex(rtmrs[r]));
        json::Value events = json::Array{};
        for (const tdx::CcelEvent& e : log.events) {
            if (e.type == static_cast<std::uint32_t>(tdx::EventType::no_action) || e.mr_index == 0) continue;
            json::Value ev;
            ev.set("rtmr", json::Value(e.mr_index - 1));
            const Bytes* d = e.sha384();
            ev.set("digest", d ? to_hex(*d) : std::string());
            ev.set("description", describe(e));
            ev.set("type", tdx::event_type_name(e.type));
            ev.set("offset", json::Value(static_cast<unsigned long long>(e.offset)));
            events.push(std::move(ev));
        }
        out.set("events", std::move(events));
        std::cout << out.dump(true) << "\n";
    }
    std::cout.flush();
    if (!expected) return 0;
    for (unsigned r = 0; r < tdx::kRtmrCount; ++r)
        if (!expected->values[r]) std::cerr << "ccvm: rtmr" << r << " not compared: " << *a.expect << " has no value for it\n";
    if (auto diff = tdx::first_difference(log, *expected)) {
        throw MismatchError("event log " + a.ccel + " differs from " + *a.expect + ": " + diff->message);
    }
    std::cerr << "ccvm: event log matches " << *a.expect << "\n";
    return 0;
}

}  // namespace

void add_eventlog_command(CLI::App& app, Commands& commands) {
    auto args = std::make_shared<ReplayArgs>();
    CLI::App* eventlog = ensure_subcommand(app, "eventlog", "Work with a TD's CC event log");
    CLI::App* r = eventlog->add_subcommand("replay", "Replay a CC event log (CCEL data) to RTMR values");
    r->add_option("--ccel", args->ccel, "Event log, e.g. a copy of /sys/firmware/acpi/tables/data/CCEL")->required();
    r->add_option("--expect", args->expect, "JSON output of `ccvm measure --mode tdx` to compare against");
    r->add_option("--output-format", args->output_format, "json (default) or hex");
    commands.add(r, [args] { return run_replay(*args); });
}

}  // namespace ccvm::cli
