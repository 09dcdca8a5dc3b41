// ccvm-vm-client.so: the VM commands (create, list, status, start, stop, destroy, remove, attest
// NAME, inject) as the ccvm executable hands them over (cli/src/vm/vm_request.hpp). Each makes one
// call to ccvmd and prints the answer (--json on read commands).

#include <unistd.h>

#include <cstring>
#include <ctime>
#include <iostream>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"
#include "ccvm/platform/spec_files.hpp"
#include "daemon_client.hpp"
#include "secret/secret_args.hpp"
#include "vm/register_view.hpp"
#include "vm/vm_request.hpp"

namespace ccvm::cli {
namespace {

// One line on a terminal while a long call runs; nothing when stderr is a pipe or file.
class Progress {
public:
    explicit Progress(const std::string& what) : tty_(::isatty(STDERR_FILENO) == 1) {
        if (tty_) std::cerr << what << "..." << std::flush;
    }
    ~Progress() {
        if (tty_) std::cerr << "\r\033[K" << std::flush;
    }

private:
    bool tty_;
};

using VarDict = std::map<std::string, sdbus::Variant>;

std::string hex_of(const std::vector<std::uint8_t>& bytes) {
    return to_hex(ByteSpan(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
}

// ExpectedMeasurement's {"registers": a{say}, "not_computed": a{ss}} (org.ccvm.ccvm1.xml).
Registers registers_of(const VarDict& map) {
    Registers out;
    if (const auto it = map.find("registers");
        it != map.end() && it->second.containsValueOfType<std::map<std::string, std::vector<std::uint8_t>>>())
        for (const auto& [name, value] : it->second.get<std::map<std::string, std::vector<std::uint8_t>>>())
            out.values.emplace(name, Bytes(reinterpret_cast<const std::byte*>(value.data()),
                                           reinterpret_cast<const std::byte*>(value.data()) + value.size()));
    if (const auto it = map.find("not_computed");
        it != map.end() && it->second.containsValueOfType<std::map<std::string, std::string>>())
        out.not_computed = it->second.get<std::map<std::string, std::string>>();
    return out;
}

// The expected measurement as `ccvm measure SPEC` prints it: {"name", "tee", "registers", "not_computed"}.
json::Value expected_json(const std::string& name, const std::string& tee, const VarDict& expected) {
    return measurement_json(
        {name, platform::tee_from_name(tee).value_or(platform::TeeKind::none), registers_of(expected), std::nullopt});
}

json::Value variant_to_json(const sdbus::Variant& value) {
    if (value.containsValueOfType<bool>()) return value.get<bool>();
    if (value.containsValueOfType<std::uint32_t>()) return static_cast<unsigned long long>(value.get<std::uint32_t>());
    if (value.containsValueOfType<std::uint64_t>()) return static_cast<unsigned long long>(value.get<std::uint64_t>());
    if (value.containsValueOfType<std::int64_t>()) return static_cast<long long>(value.get<std::int64_t>());
    if (value.containsValueOfType<std::vector<std::uint8_t>>()) return hex_of(value.get<std::vector<std::uint8_t>>());
    if (value.containsValueOfType<std::string>()) {
        const std::string text = value.get<std::string>();
        // The evidence's registers and checks travel as JSON text; show them as JSON again.
        if (!text.empty() && (text.front() == '{' || text.front() == '[')) return json::parse(text, "Attest reply");
        return text;
    }
    return json::Value();
}

// The Attestation property as an object in the order verdict, reason, backend, api, build, policy;
// null before the first launch.
json::Value attestation_json(const VarDict& map) {
    if (map.empty()) return json::Value();
    json::Value out = json::Value::object();
    for (const char* key : {"verdict", "reason", "backend", "api", "build", "policy"})
        if (const auto it = map.find(key); it != map.end()) out[key] = variant_to_json(it->second);
    return out;
}

// Attest's reply with every value as JSON, keys in the reply's order.
json::Value attest_reply_json(const VarDict& map) {
    json::Value out = json::Value::object();
    for (const auto& [key, value] : map) {
        if (key == "expected" && value.containsValueOfType<VarDict>()) {
            const auto text = [&map](const char* k) {
                const auto it = map.find(k);
                return it != map.end() && it->second.containsValueOfType<std::string>() ? it->second.get<std::string>()
                                                                                        : std::string();
            };
            out[key] = expected_json(text("name"), text("tee"), value.get<VarDict>());
        } else {
            out[key] = variant_to_json(value);
        }
    }
    return out;
}

// The RuntimeAttestation property (org.ccvm.ccvm1.xml) as JSON; null when the VM has not attested
// to ccvmd's key broker since ccvmd started.
json::Value runtime_attestation_json(const std::map<std::string, sdbus::Variant>& map) {
    if (map.empty()) return json::Value();
    json::Value out = json::Value::object();
    for (const char* key : {"verdict", "reason", "tee", "session"}) {
        const auto it = map.find(key);
        out[key] = it != map.end() && it->second.containsValueOfType<std::string>() ? it->second.get<std::string>()
                                                                                    : std::string();
    }
    std::uint64_t time = 0;
    if (const auto it = map.find("time"); it != map.end() && it->second.containsValueOfType<std::uint64_t>())
        time = it->second.get<std::uint64_t>();
    out["time"] = static_cast<unsigned long long>(time);
    json::Value checks = json::Value::array();
    if (const auto it = map.find("checks");
        it != map.end() &&
        it->second.containsValueOfType<std::vector<sdbus::Struct<std::string, std::string, std::string>>>())
        for (const auto& c : it->second.get<std::vector<sdbus::Struct<std::string, std::string, std::string>>>()) {
            json::Value check;
            check["name"] = c.get<0>();
            check["status"] = c.get<1>();
            check["reason"] = c.get<2>();
            checks.push_back(std::move(check));
        }
    out["checks"] = std::move(checks);
    json::Value released = json::Value::array();
    if (const auto it = map.find("released");
        it != map.end() && it->second.containsValueOfType<std::vector<std::string>>())
        for (const std::string& r : it->second.get<std::vector<std::string>>()) released.push_back(r);
    out["released"] = std::move(released);
    // A refused attempt keeps the last verified one beside it (same keys).
    if (const auto it = map.find("last_verified");
        it != map.end() && it->second.containsValueOfType<std::map<std::string, sdbus::Variant>>())
        out["last_verified"] = runtime_attestation_json(it->second.get<std::map<std::string, sdbus::Variant>>());
    return out;
}

// "2026-12-07T19:50:00Z" from seconds since the epoch.
std::string utc_time(std::uint64_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// "verified (snp, session 1a2b3c4d5e6f, 2026-12-07T19:50:00Z)" and "refused: WHY (...)".
std::string runtime_line(const json::Value& r) {
    std::string out = json::get_string(json::at(r, "verdict"));
    if (!json::get_string(json::at(r, "reason")).empty()) out += ": " + json::get_string(json::at(r, "reason"));
    return out + " (" + json::get_string(json::at(r, "tee")) + ", session " + json::get_string(json::at(r, "session")) +
           ", " + utc_time(json::get_u64(json::at(r, "time"))) + ")";
}

std::string released_line(const json::Value& r) {
    std::string out;
    for (const json::Value& name : json::get_array(json::at(r, "released")))
        out += (out.empty() ? "" : ", ") + json::get_string(name);
    return out.empty() ? "none" : out;
}

// The last verified runtime attestation, which a refused attempt after it leaves in place.
void print_last_verified(const json::Value& runtime) {
    if (const json::Value* v = json::find(runtime, "last_verified"); v != nullptr && v->is_object())
        std::cout << "last verified: " << runtime_line(*v) << ", released " << released_line(*v) << "\n";
}

// ccvmd reads no file of the spec with its own rights: this process opens them with the user's and
// passes the descriptors. A file it cannot open is not passed, and ccvmd refuses the spec naming it;
// a spec that does not parse passes none, and ccvmd reports the parse error.
std::map<std::string, sdbus::UnixFd> spec_file_descriptors(const std::string& yaml, const std::string& source) {
    std::map<std::string, sdbus::UnixFd> out;
    platform::VmSpec spec;
    try {
        spec = platform::parse_vm_spec(yaml, source);
    } catch (const InputError&) {
        return out;
    }
    for (auto& [path, fd] : platform::open_spec_files(spec))
        out.emplace(path, sdbus::UnixFd(fd.release(), sdbus::adopt_fd));
    if (out.size() > platform::kMaxPassedFiles)
        throw InputError(source + ": the spec names " + std::to_string(out.size()) +
                         " files; one call to ccvmd can pass " + std::to_string(platform::kMaxPassedFiles) +
                         " (the system bus's descriptor limit)");
    return out;
}

// "ok (launch measurement matches ...)" from an attestation object.
std::string verdict_line(const json::Value& a) {
    const json::Value* verdict = json::find(a, "verdict");
    const json::Value* reason = json::find(a, "reason");
    std::string out = verdict != nullptr && verdict->is_string() ? json::get_string(*verdict) : "none";
    if (reason != nullptr && reason->is_string() && !json::get_string(*reason).empty())
        out += " (" + json::get_string(*reason) + ")";
    return out;
}

std::string read_spec(const std::string& path) {
    if (path == "-") {
        std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
        return text;
    }
    return read_text_file(path);
}

// ccvmd locates problems in submitted spec text as "spec:LINE:COL: ..." (org.ccvm.ccvm1.xml,
// CreateVM); only the CLI knows the file, so it names it there: "vm1.yaml:3:1: ...".
constexpr std::string_view kSubmittedSpecSource = "spec:";

sdbus::Error name_spec_file(const sdbus::Error& e, const std::string& spec_path) {
    const std::string& message = e.getMessage();
    const bool about_spec =
        e.getName() == "org.ccvm.ccvm1.Error.SpecInvalid" || e.getName() == "org.ccvm.ccvm1.Error.InvalidArgument";
    if (!about_spec || !message.starts_with(kSubmittedSpecSource)) return e;
    const std::string file = spec_path == "-" ? "<stdin>" : spec_path;
    return sdbus::Error(e.getName(), file + ":" + message.substr(kSubmittedSpecSource.size()));
}

int run_create(const std::string& spec_path) {
    const std::string yaml = read_spec(spec_path);
    const std::map<std::string, sdbus::UnixFd> files = spec_file_descriptors(yaml, spec_path);
    DaemonClient client;
    std::string path;
    {
        Progress progress("creating VM");
        with_daemon([&] {
            try {
                path = client.manager().CreateVM(yaml, files);
            } catch (const sdbus::Error& e) {
                throw name_spec_file(e, spec_path);
            }
        });
    }
    std::string name;
    with_daemon([&] { name = VmClient(client.connection(), path).Name(); });
    std::cout << "created " << name << " (" << path << ")\n";
    return 0;
}

int run_list(bool as_json, bool all) {
    DaemonClient client;
    std::vector<sdbus::Struct<std::string, std::string, std::string, sdbus::ObjectPath>> vms;
    std::vector<sdbus::Struct<std::string, std::string>> quarantined;
    with_daemon([&] { vms = client.manager().ListVMs(); });
    // --all: also the state entries ccvmd set aside (broken or conflicting records).
    if (all) with_daemon([&] { quarantined = client.manager().ListQuarantined(); });
    if (as_json) {
        json::Value out = json::Value::array();
        for (const auto& vm : vms) {
            json::Value item;
            item["name"] = vm.get<0>();
            item["tee"] = vm.get<1>();
            item["state"] = vm.get<2>();
            item["path"] = std::string(vm.get<3>());
            out.push_back(std::move(item));
        }
        for (const auto& q : quarantined) {
            json::Value item;
            item["name"] = q.get<0>();
            item["state"] = "quarantined";
            item["reason"] = q.get<1>();
            out.push_back(std::move(item));
        }
        std::cout << json::dump(out, true) << "\n";
        return 0;
    }
    std::printf("%-24s %-8s %s\n", "NAME", "TEE", "STATE");
    for (const auto& vm : vms)
        std::printf("%-24s %-8s %s\n", vm.get<0>().c_str(), vm.get<1>().c_str(), vm.get<2>().c_str());
    for (const auto& q : quarantined)
        std::printf("%-24s %-8s quarantined: %s\n", q.get<0>().c_str(), "-", q.get<1>().c_str());
    return 0;
}

int run_status(const std::string& name, bool as_json) {
    DaemonClient client;
    auto vm = client.vm(name);
    json::Value out;
    with_daemon([&] {
        out["name"] = vm->Name();
        out["tee"] = vm->Tee();
        out["state"] = vm->State();
        out["reason"] = vm->StateReason();
        out["expected_measurement"] = expected_json(json::get_string(json::at(out, "name")),
                                                    json::get_string(json::at(out, "tee")), vm->ExpectedMeasurement());
        out["launch_measurement"] = hex_of(vm->LaunchMeasurement());
        out["attestation"] = attestation_json(vm->Attestation());
        out["runtime_attestation"] = runtime_attestation_json(vm->RuntimeAttestation());
    });
    const std::vector<RegisterRow> rows = register_rows(
        json::at(out, "expected_measurement"), json::get_string(json::at(out, "launch_measurement")), json::Value());
    out["comparison"] = registers_json(rows);
    if (as_json) {
        std::cout << json::dump(out, true) << "\n";
        return 0;
    }
    std::cout << "name:        " << json::get_string(json::at(out, "name")) << "\n"
              << "tee:         " << json::get_string(json::at(out, "tee")) << "\n"
              << "state:       " << json::get_string(json::at(out, "state")) << "\n";
    if (!json::get_string(json::at(out, "reason")).empty())
        std::cout << "reason:      " << json::get_string(json::at(out, "reason")) << "\n";
    if (const json::Value& a = json::at(out, "attestation"); a.is_object())
        std::cout << "attestation: " << verdict_line(a) << "\n";
    if (const json::Value& r = json::at(out, "runtime_attestation"); r.is_object()) {
        std::cout << "runtime:     " << runtime_line(r) << "\n"
                  << "released:    " << released_line(r) << "\n";
        print_last_verified(r);
    }
    print_registers(std::cout, rows);
    return 0;
}

int run_simple(const std::string& name, const char* what, const std::function<void(VmClient&)>& call) {
    DaemonClient client;
    auto vm = client.vm(name);
    {
        Progress progress(std::string(what) + " " + name);
        with_daemon([&] { call(*vm); });
    }
    std::string state;
    with_daemon([&] { state = vm->State(); });
    std::cout << name << ": " << state << "\n";
    return 0;
}

int run_attest(const std::optional<std::string>& name, const std::optional<std::string>& evidence, bool as_json) {
    if (!name) throw InputError("attest: give a VM NAME, or a subcommand (verify-report, ...)");
    std::map<std::string, sdbus::Variant> options;
    if (evidence) {
        const Bytes data = read_file(*evidence);
        std::vector<std::uint8_t> raw(data.size());
        std::memcpy(raw.data(), data.data(), data.size());
        options["evidence"] = sdbus::Variant(raw);
    }
    DaemonClient client;
    auto vm = client.vm(*name);
    std::map<std::string, sdbus::Variant> result;
    std::map<std::string, sdbus::Variant> runtime;
    with_daemon([&] {
        result = vm->Attest(options);
        runtime = vm->RuntimeAttestation();
    });
    json::Value out = attest_reply_json(result);
    const json::Value runtime_json = runtime_attestation_json(runtime);
    const json::Value* lm = json::find(out, "launch_measurement");
    const json::Value* reported = json::find(out, "registers");
    const std::vector<RegisterRow> rows =
        register_rows(json::find(out, "expected") ? json::at(out, "expected") : json::Value(),
                      lm && lm->is_string() ? json::get_string(*lm) : "", reported ? *reported : json::Value());
    if (as_json) {
        out["comparison"] = registers_json(rows);
        out["runtime_attestation"] = runtime_json;
        std::cout << json::dump(out, true) << "\n";
    } else {
        for (const char* key : {"name", "tee", "state", "backend", "evidence"})
            if (const json::Value* v = json::find(out, key); v != nullptr && v->is_string())
                std::cout << key << ": " << json::get_string(*v) << "\n";
        std::cout << "verdict: " << verdict_line(out) << "\n";
        if (const json::Value* api = json::find(out, "api"); api != nullptr && api->is_string())
            std::cout << "platform: API " << json::get_string(*api) << ", build " << json::dump(json::at(out, "build"))
                      << ", policy 0x" << std::hex << json::get_u64(json::at(out, "policy")) << std::dec << "\n";
        print_registers(std::cout, rows);
        // The guest's own attestation to ccvmd's key broker, reported the same way.
        if (runtime_json.is_object()) {
            std::cout << "runtime verdict: " << runtime_line(runtime_json) << "\n"
                      << "released: " << released_line(runtime_json) << "\n";
            print_last_verified(runtime_json);
            for (const json::Value& c : json::get_array(runtime_json.at("checks")))
                if (json::get_string(json::at(c, "status")) != "passed")
                    std::cerr << "ccvm: runtime check " << json::get_string(json::at(c, "name")) << " "
                              << json::get_string(json::at(c, "status")) << ": "
                              << json::get_string(json::at(c, "reason")) << "\n";
        }
    }
    // Evidence checks, as `ccvm attest verify-report` reports them.
    if (const json::Value* checks = json::find(out, "checks"); checks != nullptr && checks->is_array())
        for (const auto& c : json::get_array(*checks)) {
            const json::Value* status = json::find(c, "status");
            const std::string s = status != nullptr                   ? json::get_string(*status)
                                  : json::get_bool(json::at(c, "ok")) ? "passed"
                                                                      : "failed";
            if (s != "passed")
                std::cerr << "ccvm: check " << json::get_string(json::at(c, "name")) << " " << s << ": "
                          << json::get_string(json::at(c, "reason")) << "\n";
        }
    const json::Value* verdict = json::find(out, "verdict");
    return verdict != nullptr && verdict->is_string() && json::get_string(*verdict) == "mismatch" ? 1 : 0;
}

int run_inject(const std::string& name, const std::string& guid, const std::string& file) {
    // The daemon reads the secret through the descriptor; the bytes never become a string here.
    sdbus::UnixFd fd(secret::open_secret_file(file, secret_file_access()).release(), sdbus::adopt_fd);
    return run_simple(name, "injecting secret into", [&](VmClient& vm) { vm.InjectSecret(guid, fd); });
}

int run_remove(const std::string& name) {
    DaemonClient client;
    auto vm = client.vm(name);
    with_daemon([&] { vm->Remove(); });
    std::cout << "removed " << name << "\n";
    return 0;
}

std::string arg(const char* s) { return s != nullptr ? s : ""; }
std::optional<std::string> optional_arg(const char* s) {
    return s != nullptr ? std::optional<std::string>(s) : std::nullopt;
}

int run(const ccvm_vm_request& r) {
    switch (r.command) {
        case CCVM_VM_CREATE:
            return run_create(arg(r.spec));
        case CCVM_VM_LIST:
            return run_list(r.json, r.all);
        case CCVM_VM_STATUS:
            return run_status(arg(r.name), r.json);
        case CCVM_VM_START:
            return run_simple(arg(r.name), "starting", [](VmClient& vm) { vm.Start(); });
        case CCVM_VM_STOP:
            return run_simple(arg(r.name), "stopping", [force = r.force](VmClient& vm) { vm.Stop(force); });
        case CCVM_VM_DESTROY:
            return run_simple(arg(r.name), "destroying", [](VmClient& vm) { vm.Destroy(); });
        case CCVM_VM_REMOVE:
            return run_remove(arg(r.name));
        case CCVM_VM_ATTEST:
            return run_attest(optional_arg(r.name), optional_arg(r.evidence), r.json);
        case CCVM_VM_INJECT:
            return run_inject(arg(r.name), arg(r.guid), arg(r.file));
    }
    throw SystemError("VM client module: unknown command " + std::to_string(static_cast<unsigned>(r.command)));
}

}  // namespace
}  // namespace ccvm::cli

// The module's one entry point. Exceptions end here, as main() would end them: nothing C++ crosses
// the boundary.
extern "C" __attribute__((visibility("default"))) int ccvm_vm_client_run(const ccvm_vm_request* request) {
    using namespace ccvm;
    try {
        if (request == nullptr || request->abi != cli::kVmRequestAbi)
            throw SystemError("VM client module does not match this ccvm (reinstall ccvm)");
        const int rc = cli::run(*request);
        std::fflush(stdout);
        return rc;
    } catch (const Error& e) {
        std::fflush(stdout);
        std::cerr << "ccvm: error: " << e.what() << "\n";
        return exit_code(e.kind());
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::cerr << "ccvm: error: " << e.what() << "\n";
        return 3;
    }
}
