#include "daemon_client.hpp"

#include <string_view>

#include "ccvm/base/error.hpp"

namespace ccvm::cli {

namespace {
constexpr const char* kBusName = "org.ccvm.ccvm1";
constexpr const char* kManagerPath = "/org/ccvm/ccvm1";
// Creating and launching a VM can take a while on a loaded host (firmware measurement, QEMU start).
constexpr std::uint64_t kCallTimeoutUsec = 300'000'000;
constexpr const char* kPermissionDenied = "permission denied: changing VMs needs root or group ccvm";
constexpr const char* kNotReachable = "ccvmd is not reachable on the system bus";
}  // namespace

ManagerClient::ManagerClient(sdbus::IConnection& connection) : ProxyInterfaces(connection, kBusName, kManagerPath) {
    registerProxy();
}

ManagerClient::~ManagerClient() { unregisterProxy(); }

VmClient::VmClient(sdbus::IConnection& connection, const std::string& path)
    : ProxyInterfaces(connection, kBusName, path) {
    registerProxy();
}

VmClient::~VmClient() { unregisterProxy(); }

DaemonClient::DaemonClient() {
    try {
        // sd-bus reads DBUS_SYSTEM_BUS_ADDRESS itself when it is set.
        connection_ = sdbus::createSystemBusConnection();
    } catch (const sdbus::Error& e) {
        throw SystemError(std::string(kNotReachable) + ": cannot connect to the bus (" + e.getMessage() + ")");
    }
    with_daemon([this] {
        connection_->setMethodCallTimeout(kCallTimeoutUsec);
        manager_ = std::make_unique<ManagerClient>(*connection_);
    });
}

std::unique_ptr<VmClient> DaemonClient::vm(const std::string& name) {
    std::unique_ptr<VmClient> out;
    with_daemon([&] { out = std::make_unique<VmClient>(*connection_, manager_->GetVM(name)); });
    return out;
}

void with_daemon(const std::function<void()>& call) {
    try {
        call();
    } catch (const sdbus::Error& e) {
        const std::string& name = e.getName();
        // The bus itself refused: its policy (org.ccvm.ccvm1.conf) lets only root and group ccvm
        // call the methods that change VMs; its own wording names policy rules, not the fix.
        if (name == "org.freedesktop.DBus.Error.AccessDenied") throw SystemError(kPermissionDenied);
        if (name == "org.ccvm.ccvm1.Error.AccessDenied") throw SystemError("permission denied: " + e.getMessage());
        // Nobody owns org.ccvm.ccvm1 and the bus could not start it.
        if (name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
            name == "org.freedesktop.DBus.Error.NameHasNoOwner" ||
            name.starts_with("org.freedesktop.DBus.Error.Spawn."))
            throw SystemError(std::string(kNotReachable) + ": " + kBusName + " has no owner (is ccvmd running?)");
        std::string message = e.getMessage().empty() ? name : e.getMessage();
        constexpr std::string_view ours = "org.ccvm.ccvm1.Error.";
        if (!name.starts_with(ours)) message = "ccvmd: " + message + " (" + name + ")";
        const std::string_view kind = std::string_view(name).substr(name.starts_with(ours) ? ours.size() : 0);
        if (kind == "MeasurementMismatch") throw MismatchError(message);
        if (kind == "SpecInvalid" || kind == "InvalidArgument" || kind == "NotFound" || kind == "AlreadyExists" ||
            kind == "InvalidState")
            throw InputError(message);
        throw SystemError(message);
    }
}

}  // namespace ccvm::cli
