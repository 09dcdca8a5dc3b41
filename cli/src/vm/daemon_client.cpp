#include "vm/daemon_client.hpp"

#include <string_view>

#include "ccvm/firmware-measure/error.hpp"

namespace ccvm::cli {

namespace {
constexpr const char* kBusName = "org.ccvm.ccvm1";
constexpr const char* kManagerPath = "/org/ccvm/ccvm1";
// Creating and launching a VM can take a while on a loaded host (firmware measurement, QEMU start).
constexpr std::uint64_t kCallTimeoutUsec = 300'000'000;
}  // namespace

ManagerClient::ManagerClient(sdbus::IConnection& connection) : ProxyInterfaces(connection, kBusName, kManagerPath) {
    registerProxy();
}

ManagerClient::~ManagerClient() { unregisterProxy(); }

VmClient::VmClient(sdbus::IConnection& connection, const std::string& path) : ProxyInterfaces(connection, kBusName, path) {
    registerProxy();
}

VmClient::~VmClient() { unregisterProxy(); }

DaemonClient::DaemonClient() {
    with_daemon([this] {
        // sd-bus reads DBUS_SYSTEM_BUS_ADDRESS itself when it is set.
        connection_ = sdbus::createSystemBusConnection();
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
