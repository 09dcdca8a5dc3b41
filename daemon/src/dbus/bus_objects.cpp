#include "dbus/bus_objects.hpp"

#include <grp.h>
#include <pwd.h>

#include <cstring>

#include <spdlog/spdlog.h>

#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/guid.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::daemon {

namespace {

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

std::map<std::string, sdbus::Variant> to_vardict(const json::Value& object) {
    std::map<std::string, sdbus::Variant> out;
    for (const auto& [key, value] : object.as_object()) {
        if (value.is_string()) {
            out[key] = sdbus::Variant(value.as_string());
        } else if (value.is_bool()) {
            out[key] = sdbus::Variant(value.as_bool());
        } else if (value.is_number()) {
            // Numbers stay numbers (t or x), as the JSON properties carry them.
            const std::string text = value.dump();
            if (text.front() == '-')
                out[key] = sdbus::Variant(static_cast<std::int64_t>(value.as_i64()));
            else
                out[key] = sdbus::Variant(static_cast<std::uint64_t>(value.as_u64()));
        } else {
            out[key] = sdbus::Variant(value.dump());  // nested objects travel as JSON text
        }
    }
    return out;
}

}  // namespace

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
    try {
        std::rethrow_exception(error);
    } catch (const DaemonError& e) {
        return sdbus::Error(dbus_error_name(e.code()), e.what());
    } catch (const MismatchError& e) {
        return sdbus::Error(dbus_error_name(ErrorCode::measurement_mismatch), e.what());
    } catch (const InputError& e) {
        return sdbus::Error(dbus_error_name(ErrorCode::invalid_argument), e.what());
    } catch (const std::exception& e) {
        spdlog::error("call failed: {}", e.what());
        return sdbus::Error(dbus_error_name(ErrorCode::internal), e.what());
    }
}

// --- Manager ----------------------------------------------------------------------------------------

ManagerObject::ManagerObject(sdbus::IConnection& connection, BusService& service)
    : AdaptorInterfaces(connection, kManagerPath), service_(service) {
    registerAdaptor();
}

ManagerObject::~ManagerObject() { unregisterAdaptor(); }

void ManagerObject::CreateVM(sdbus::Result<sdbus::ObjectPath>&& result, std::string spec_yaml) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    answer_later(service.pool(), std::move(result), [&service, caller, spec = std::move(spec_yaml)] {
        service.authorizer().require_change(caller, "create VMs");
        const VmRecord record = service.manager().create(spec);
        return sdbus::ObjectPath(vm_object_path(record.name));
    });
}

std::vector<sdbus::Struct<std::string, std::string, std::string, sdbus::ObjectPath>> ManagerObject::ListVMs() {
    std::vector<sdbus::Struct<std::string, std::string, std::string, sdbus::ObjectPath>> out;
    for (const VmRecord& r : service_.manager().list())
        out.emplace_back(r.name, r.tee, std::string(to_string(r.state)), sdbus::ObjectPath(vm_object_path(r.name)));
    return out;
}

sdbus::ObjectPath ManagerObject::GetVM(const std::string& name) {
    if (!service_.manager().find(name))
        throw sdbus::Error(dbus_error_name(ErrorCode::not_found), "no VM named '" + name + "'");
    return sdbus::ObjectPath(vm_object_path(name));
}

void ManagerObject::Measure(sdbus::Result<std::map<std::string, sdbus::Variant>>&& result, std::string spec_yaml) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    answer_later(service.pool(), std::move(result), [&service, caller, spec = std::move(spec_yaml)] {
        // The daemon reads and hashes the files a spec names, with its own privileges.
        service.authorizer().require_change(caller, "measure specs");
        return to_vardict(service.manager().measure(spec));
    });
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
    getObject().emitPropertiesChangedSignal(
        INTERFACE_NAME, {"State", "StateReason", "LaunchMeasurement", "Attestation"});
}

VmRecord VmObject::record() const {
    auto r = service_.manager().find(name_);
    if (!r) throw sdbus::Error(dbus_error_name(ErrorCode::not_found), "no VM named '" + name_ + "'");
    return *r;
}

void VmObject::Start(sdbus::Result<>&& result) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    answer_later(service.pool(), std::move(result), [&service, caller, name = name_] {
        service.authorizer().require_change(caller, "start VMs");
        service.manager().start(name);
    });
}

void VmObject::Stop(sdbus::Result<>&& result, bool force) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    answer_later(service.pool(), std::move(result), [&service, caller, name = name_, force] {
        service.authorizer().require_change(caller, "stop VMs");
        service.manager().stop(name, force);
    });
}

void VmObject::Destroy(sdbus::Result<>&& result) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    answer_later(service.pool(), std::move(result), [&service, caller, name = name_] {
        service.authorizer().require_change(caller, "destroy VMs");
        service.manager().destroy(name);
    });
}

void VmObject::Remove(sdbus::Result<>&& result) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    answer_later(service.pool(), std::move(result), [&service, caller, name = name_] {
        service.authorizer().require_change(caller, "remove VMs");
        service.manager().remove(name);
    });
}

void VmObject::Attest(sdbus::Result<std::map<std::string, sdbus::Variant>>&& result,
                      std::map<std::string, sdbus::Variant> options) {
    BusService& service = service_;
    answer_later(service.pool(), std::move(result), [&service, name = name_, options = std::move(options)] {
        std::optional<Bytes> evidence;
        for (const auto& [key, value] : options) {
            if (key != "evidence") throw DaemonError(ErrorCode::invalid_argument, "unknown Attest option '" + key + "'");
            if (!value.containsValueOfType<std::vector<std::uint8_t>>())
                throw DaemonError(ErrorCode::invalid_argument, "Attest option 'evidence' must be a byte array (ay)");
            const auto raw = value.get<std::vector<std::uint8_t>>();
            evidence = Bytes(raw.size());
            std::memcpy(evidence->data(), raw.data(), raw.size());
        }
        return to_vardict(service.manager().attest(name, evidence ? std::optional<ByteSpan>(*evidence) : std::nullopt));
    });
}

void VmObject::InjectSecret(sdbus::Result<>&& result, std::string guid, sdbus::UnixFd fd) {
    const Caller caller = current_caller(getObject());
    BusService& service = service_;
    auto owned_fd = std::make_shared<sdbus::UnixFd>(std::move(fd));
    answer_later(service.pool(), std::move(result),
                 [&service, caller, name = name_, guid = std::move(guid), owned_fd] {
                     service.authorizer().require_change(caller, "inject secrets");
                     const std::string canonical = Guid::parse(guid).to_string();
                     secret::SecretBytes secret = secret::read_secret_fd(owned_fd->get(), "the InjectSecret descriptor");
                     owned_fd->reset();
                     if (secret.empty()) throw DaemonError(ErrorCode::invalid_argument, "the secret is empty");
                     service.manager().inject_secret(name, canonical, std::move(secret));
                 });
}

std::string VmObject::Name() { return name_; }
std::string VmObject::Tee() { return record().tee; }
std::string VmObject::State() { return std::string(to_string(record().state)); }
std::string VmObject::StateReason() { return record().state_reason; }
std::string VmObject::ExpectedMeasurement() { return record().expected_measurement; }
std::string VmObject::LaunchMeasurement() { return record().launch_measurement; }
std::string VmObject::Attestation() { return record().attestation; }

}  // namespace ccvm::daemon
