#include "dbus/bus_objects.hpp"

#include <grp.h>
#include <pwd.h>

#include <cstring>

#include <spdlog/spdlog.h>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/guid.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/daemon/descriptor.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::daemon {

namespace {

// The largest guest evidence Attest parses: reports and quotes are a few KiB, CCA tokens with their
// certificates stay well below this (ccvmd(8) D-BUS INTERFACE, daemon/org.ccvm.ccvm1.xml).
constexpr std::size_t kMaxEvidenceBytes = 1 << 20;
// How much of an error message reaches the caller (it already caps the input it repeats).
constexpr std::size_t kMaxErrorMessage = 2048;

std::vector<gid_t> groups_of_user(uid_t uid, gid_t primary) {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) return {primary};
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (getgrouplist(found->pw_name, primary, groups.data(), &count) < 0) {
        groups.resize(static_cast<std::size_t>(count));
        if (getgrouplist(found->pw_name, primary, groups.data(), &count) < 0) return {primary};
    }
    groups.resize(static_cast<std::size_t>(count));
    return groups;
}

using VarDict = std::map<std::string, sdbus::Variant>;

std::vector<std::uint8_t> byte_array(ByteSpan bytes) {
    std::vector<std::uint8_t> out(bytes.size());
    if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
}

// {"registers": a{say}, "not_computed": a{ss}} (org.ccvm.ccvm1.xml, ExpectedMeasurement).
VarDict registers_vardict(const Registers& regs) {
    std::map<std::string, std::vector<std::uint8_t>> values;
    for (const auto& [name, value] : regs.values) values.emplace(name, byte_array(value));
    VarDict out;
    out["registers"] = sdbus::Variant(values);
    out["not_computed"] = sdbus::Variant(regs.not_computed);
    return out;
}

// verdict, reason, backend and the SEV/CSV platform fields (org.ccvm.ccvm1.xml, Attestation); empty
// before the first launch.
void add_attestation(VarDict& out, const LaunchAttestation& a) {
    out["verdict"] = sdbus::Variant(std::string(to_string(a.verdict)));
    out["reason"] = sdbus::Variant(a.reason);
    out["backend"] = sdbus::Variant(a.backend);
    if (a.platform) {
        out["api"] =
            sdbus::Variant(std::to_string(a.platform->api_major) + "." + std::to_string(a.platform->api_minor));
        out["build"] = sdbus::Variant(a.platform->build);
        out["policy"] = sdbus::Variant(a.platform->policy);
    }
}

VarDict measure_vardict(const MeasureResult& m) {
    VarDict out;
    out["name"] = sdbus::Variant(m.name);
    out["tee"] = sdbus::Variant(std::string(platform::tee_name(m.tee)));
    out["expected"] = sdbus::Variant(registers_vardict(m.expected));
    out["backend"] = sdbus::Variant(m.backend);
    return out;
}

VarDict attest_vardict(const AttestResult& r) {
    VarDict out;
    if (r.launch) {
        add_attestation(out, *r.launch);
    } else {
        out["verdict"] = sdbus::Variant(std::string("none"));
        out["reason"] = sdbus::Variant(std::string("the VM has not been launched yet"));
    }
    out["name"] = sdbus::Variant(r.name);
    out["tee"] = sdbus::Variant(std::string(platform::tee_name(r.tee)));
    out["state"] = sdbus::Variant(std::string(to_string(r.state)));
    out["backend"] = sdbus::Variant(r.backend);  // the backend serving now, not the one recorded
    out["expected"] = sdbus::Variant(registers_vardict(r.expected));
    out["launch_measurement"] = sdbus::Variant(byte_array(r.launch_measurement));
    if (r.evidence) {
        out["verdict"] = sdbus::Variant(r.evidence->verdict);
        out["reason"] = sdbus::Variant(r.evidence->reason);
        out["evidence"] = sdbus::Variant(r.evidence->evidence);
        out["registers"] = sdbus::Variant(json::dump(r.evidence->registers));
        out["checks"] = sdbus::Variant(json::dump(r.evidence->checks));
    }
    return out;
}

// One runtime attestation attempt (org.ccvm.ccvm1.xml, RuntimeAttestation): verdict, reason, tee,
// session, time, checks and released. Never any secret content.
VarDict runtime_attestation_vardict(const kbs::RuntimeAttestation& a) {
    VarDict out;
    out["verdict"] = sdbus::Variant(std::string(a.verified ? "verified" : "refused"));
    out["reason"] = sdbus::Variant(echo_input(a.reason, kMaxErrorMessage));
    out["tee"] = sdbus::Variant(std::string(attestation::agent_tee_name(a.tee)));
    out["session"] = sdbus::Variant(a.session);
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(a.time.time_since_epoch()).count();
    out["time"] = sdbus::Variant(static_cast<std::uint64_t>(seconds < 0 ? 0 : seconds));
    std::vector<sdbus::Struct<std::string, std::string, std::string>> checks;
    for (const attestation::Check& c : a.checks.checks())
        checks.emplace_back(c.name, std::string(attestation::to_string(c.status())), echo_input(c.reason, 1024));
    out["checks"] = sdbus::Variant(checks);
    out["released"] = sdbus::Variant(a.released);
    return out;
}

// The passed descriptors, owned by the daemon from here on (sdbus's UnixFd dups on receipt). Shared so
// that the work-pool lambda holding them stays copyable.
std::shared_ptr<CallerFiles> own_files(std::map<std::string, sdbus::UnixFd>& files) {
    auto out = std::make_shared<CallerFiles>();
    for (auto& [path, fd] : files) out->emplace(path, UniqueFd(fd.release()));
    return out;
}

}  // namespace

// libvirt starts the emulator with its own rights, and QEMU connects to the quote-generation socket
// with its own: a member of the admin group could do neither alone, so only root may name them
// (ccvmd(8), TRUST MODEL). Other spec errors are left to the planner, which locates them.
void require_root_for_host_programs(const Caller& caller, std::string_view spec_yaml) {
    if (caller.uid == 0) return;
    platform::VmSpec spec;
    try {
        spec = platform::parse_vm_spec(spec_yaml, kSubmittedSpecSource);
    } catch (const InputError&) {
        return;
    }
    if (spec.emulator)
        throw DaemonError(ErrorCode::access_denied, "libvirt.emulator: uid " + std::to_string(caller.uid) +
                                                        " may not choose the program libvirt runs: needs root");
    if (const auto* tdx = std::get_if<platform::TdxOptions>(&spec.tee_options); tdx && tdx->quote_generation_socket)
        throw DaemonError(ErrorCode::access_denied, "tee.quote-generation-socket: uid " + std::to_string(caller.uid) +
                                                        " may not choose the socket QEMU connects to: needs root");
}

Caller current_caller(const sdbus::IObject& object) {
    const sdbus::Message* message = object.getCurrentlyProcessedMessage();
    if (message == nullptr) throw DaemonError(ErrorCode::internal, "no message being processed");
    Caller caller;
    caller.uid = message->getCredsEuid();
    try {
        caller.gid = message->getCredsEgid();
        caller.supplementary_gids = message->getCredsSupplementaryGids();
    } catch (const sdbus::Error&) {
        // dbus-daemon does not report groups: take the user's groups from the user database.
        passwd pw{};
        passwd* found = nullptr;
        std::vector<char> buf(16384);
        const gid_t primary = getpwuid_r(caller.uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr
                                  ? found->pw_gid
                                  : static_cast<gid_t>(-1);
        caller.gid = primary;
        caller.supplementary_gids = groups_of_user(caller.uid, primary);
    }
    return caller;
}

sdbus::Error to_bus_error(std::exception_ptr error) {
    const auto bus_error = [](ErrorCode code, const char* message) {
        return sdbus::Error(dbus_error_name(code), echo_input(message, kMaxErrorMessage));
    };
    try {
        std::rethrow_exception(error);
    } catch (const DaemonError& e) {
        return bus_error(e.code(), e.what());
    } catch (const MismatchError& e) {
        return bus_error(ErrorCode::measurement_mismatch, e.what());
    } catch (const InputError& e) {
        return bus_error(ErrorCode::invalid_argument, e.what());
    } catch (const std::exception& e) {
        return bus_error(ErrorCode::internal, e.what());
    }
}

void log_call_failure(const CallInfo& call, const sdbus::Error& error) {
    const std::string& name = error.getName();
    const bool refused = name == dbus_error_name(ErrorCode::access_denied) || name == dbus_error_name(ErrorCode::busy);
    if (!call.mutating && name != dbus_error_name(ErrorCode::internal)) return;
    // The message names inputs, never their content: secrets travel in descriptors and are not echoed.
    spdlog::warn("audit: uid {} {} vm {}: {}: {}: {}", call.caller.uid, call.method, echo_input(call.vm),
                 refused ? "refused" : "failed", name, error.getMessage());
}

sdbus::Error busy_error(const CallInfo& call, unsigned limit) {
    return sdbus::Error(dbus_error_name(ErrorCode::busy),
                        "busy: too many calls in flight from uid " + std::to_string(call.caller.uid) + " (at most " +
                            std::to_string(limit) + "); try " + call.method + " again when they have finished");
}

// --- Manager ----------------------------------------------------------------------------------------

ManagerObject::ManagerObject(sdbus::IConnection& connection, BusService& service)
    : AdaptorInterfaces(connection, kManagerPath), service_(service) {
    registerAdaptor();
}

ManagerObject::~ManagerObject() { unregisterAdaptor(); }

void ManagerObject::CreateVM(sdbus::Result<sdbus::ObjectPath>&& result, std::string spec_yaml,
                             std::map<std::string, sdbus::UnixFd> files) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    auto owned = own_files(files);
    answer_later(service.pool(), {caller, "CreateVM"}, std::move(result),
                 [&service, caller, spec = std::move(spec_yaml), owned] {
                     service.authorizer().require_change(caller, "create VMs");
                     require_root_for_host_programs(caller, spec);
                     const VmRecord record = service.manager().create(spec, std::move(*owned));
                     return sdbus::ObjectPath(vm_object_path(record.name));
                 });
}

std::vector<sdbus::Struct<std::string, std::string, std::string, sdbus::ObjectPath>> ManagerObject::ListVMs() {
    std::vector<sdbus::Struct<std::string, std::string, std::string, sdbus::ObjectPath>> out;
    for (const VmRecord& r : service_.manager().list())
        out.emplace_back(r.name, std::string(platform::tee_name(r.tee)), std::string(to_string(r.state)),
                         sdbus::ObjectPath(vm_object_path(r.name)));
    return out;
}

sdbus::ObjectPath ManagerObject::GetVM(const std::string& name) {
    if (!service_.manager().find(name))
        throw sdbus::Error(dbus_error_name(ErrorCode::not_found), "no VM named '" + echo_input(name) + "'");
    return sdbus::ObjectPath(vm_object_path(name));
}

void ManagerObject::Measure(sdbus::Result<std::map<std::string, sdbus::Variant>>&& result, std::string spec_yaml,
                            std::map<std::string, sdbus::UnixFd> files) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    auto owned = own_files(files);
    answer_later(service.pool(), {caller, "Measure"}, std::move(result),
                 [&service, caller, spec = std::move(spec_yaml), owned] {
                     // Only the descriptors the caller passed are read and hashed, never a path with root's rights.
                     service.authorizer().require_change(caller, "measure specs");
                     return measure_vardict(service.manager().measure(spec, std::move(*owned)));
                 });
}

std::vector<sdbus::Struct<std::string, std::string>> ManagerObject::ListQuarantined() {
    std::vector<sdbus::Struct<std::string, std::string>> out;
    for (const auto& q : service_.manager().quarantined())
        out.emplace_back(echo_input(q.entry), echo_input(q.reason, 1024));
    return out;
}

std::string ManagerObject::LaunchSecurity() { return service_.manager().backend_name(); }

std::string ManagerObject::LibvirtURI() { return service_.libvirt_uri(); }

// --- VM -------------------------------------------------------------------------------------------

VmObject::VmObject(sdbus::IConnection& connection, BusService& service, std::string name)
    : AdaptorInterfaces(connection, vm_object_path(name)), service_(service), name_(std::move(name)) {
    registerAdaptor();
}

VmObject::~VmObject() { unregisterAdaptor(); }

void VmObject::announce_change() {
    getObject().emitPropertiesChangedSignal(INTERFACE_NAME,
                                            {"State", "StateReason", "LaunchMeasurement", "Attestation"});
}

void VmObject::announce_runtime_attestation() {
    getObject().emitPropertiesChangedSignal(INTERFACE_NAME, {"RuntimeAttestation"});
}

VmRecord VmObject::record() const {
    auto r = service_.manager().find(name_);
    if (!r) throw sdbus::Error(dbus_error_name(ErrorCode::not_found), "no VM named '" + echo_input(name_) + "'");
    return *r;
}

void VmObject::Start(sdbus::Result<>&& result) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    answer_later(service.pool(), {caller, "Start", name_}, std::move(result), [&service, caller, name = name_] {
        service.authorizer().require_change(caller, "start VMs");
        service.manager().start(name);
    });
}

void VmObject::Stop(sdbus::Result<>&& result, bool force) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    answer_later(service.pool(), {caller, "Stop", name_}, std::move(result), [&service, caller, name = name_, force] {
        service.authorizer().require_change(caller, "stop VMs");
        service.manager().stop(name, force);
    });
}

void VmObject::Destroy(sdbus::Result<>&& result) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    answer_later(service.pool(), {caller, "Destroy", name_}, std::move(result), [&service, caller, name = name_] {
        service.authorizer().require_change(caller, "destroy VMs");
        service.manager().destroy(name);
    });
}

void VmObject::Remove(sdbus::Result<>&& result) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    answer_later(service.pool(), {caller, "Remove", name_}, std::move(result), [&service, caller, name = name_] {
        service.authorizer().require_change(caller, "remove VMs");
        service.manager().remove(name);
    });
}

void VmObject::Attest(sdbus::Result<std::map<std::string, sdbus::Variant>>&& result,
                      std::map<std::string, sdbus::Variant> options) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    // Reading the recorded attestation is open to every local user (bus policy); parsing guest
    // evidence is not: it feeds untrusted CBOR/DER/JSON to a root process.
    const bool with_evidence = options.contains("evidence");
    answer_later(
        service.pool(), {caller, "Attest", name_, with_evidence}, std::move(result),
        [&service, caller, name = name_, options = std::move(options)] {
            std::optional<Bytes> evidence;
            for (const auto& [key, value] : options) {
                if (key != "evidence")
                    throw DaemonError(ErrorCode::invalid_argument, "unknown Attest option '" + echo_input(key) + "'");
                service.authorizer().require_change(caller, "verify guest evidence");
                if (!value.containsValueOfType<std::vector<std::uint8_t>>())
                    throw DaemonError(ErrorCode::invalid_argument,
                                      "Attest option 'evidence' must be a byte array (ay)");
                const auto raw = value.get<std::vector<std::uint8_t>>();
                if (raw.size() > kMaxEvidenceBytes)
                    throw DaemonError(ErrorCode::invalid_argument, "Attest evidence of " + std::to_string(raw.size()) +
                                                                       " bytes is larger than the " +
                                                                       std::to_string(kMaxEvidenceBytes) +
                                                                       "-byte (1 MiB) limit");
                evidence = Bytes(raw.size());
                std::memcpy(evidence->data(), raw.data(), raw.size());
            }
            return attest_vardict(
                service.manager().attest(name, evidence ? std::optional<ByteSpan>(*evidence) : std::nullopt));
        });
}

void VmObject::InjectSecret(sdbus::Result<>&& result, std::string guid, sdbus::UnixFd fd) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    auto owned_fd = std::make_shared<sdbus::UnixFd>(std::move(fd));
    answer_later(service.pool(), {caller, "InjectSecret", name_}, std::move(result),
                 [&service, caller, name = name_, guid = std::move(guid), owned_fd] {
                     service.authorizer().require_change(caller, "inject secrets");
                     const std::string canonical = Guid::parse(guid).to_string();
                     secret::SecretBytes secret = read_descriptor(owned_fd->get(), secret::kMaxSecretFileSize,
                                                                  kDescriptorTimeout, "the InjectSecret descriptor");
                     owned_fd->reset();
                     if (secret.empty()) throw DaemonError(ErrorCode::invalid_argument, "the secret is empty");
                     service.manager().inject_secret(name, canonical, std::move(secret));
                 });
}

std::string VmObject::Name() { return name_; }
std::string VmObject::Tee() { return std::string(platform::tee_name(record().tee)); }
std::string VmObject::State() { return std::string(to_string(record().state)); }
std::string VmObject::StateReason() { return record().state_reason; }
std::map<std::string, sdbus::Variant> VmObject::ExpectedMeasurement() { return registers_vardict(record().expected); }
std::vector<std::uint8_t> VmObject::LaunchMeasurement() { return byte_array(record().launch_measurement); }
std::map<std::string, sdbus::Variant> VmObject::Attestation() {
    VarDict out;
    if (const auto& a = record().attestation) add_attestation(out, *a);
    return out;
}

std::map<std::string, sdbus::Variant> VmObject::RuntimeAttestation() {
    (void)record();  // NotFound for a removed VM
    const KeyBrokerService* broker = service_.key_broker();
    const std::optional<kbs::RuntimeAttestation> last =
        broker != nullptr ? broker->last_attestation(name_) : std::nullopt;
    if (!last) return {};
    VarDict out = runtime_attestation_vardict(*last);
    // A refused attempt does not erase what the last verified one established and released.
    if (const auto verified = broker->last_verified_attestation(name_))
        out["last_verified"] = sdbus::Variant(runtime_attestation_vardict(*verified));
    return out;
}

}  // namespace ccvm::daemon
