// The CLI's side of org.ccvm.ccvm1: one bus connection (the system bus, or DBUS_SYSTEM_BUS_ADDRESS),
// proxies generated from the interface XML, and D-Bus errors turned into ccvm errors (exit codes).
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <memory>
#include <string>

#include "org.ccvm.ccvm1_proxy.h"

namespace ccvm::cli {

class ManagerClient final : public sdbus::ProxyInterfaces<org::ccvm::ccvm1::Manager_proxy> {
public:
    explicit ManagerClient(sdbus::IConnection& connection);
    ~ManagerClient();

private:
    void onVMNew(const std::string&, const sdbus::ObjectPath&) override {}
    void onVMRemoved(const std::string&, const sdbus::ObjectPath&) override {}
};

class VmClient final : public sdbus::ProxyInterfaces<org::ccvm::ccvm1::VM_proxy> {
public:
    VmClient(sdbus::IConnection& connection, const std::string& path);
    ~VmClient();
};

class DaemonClient {
public:
    DaemonClient();
    ManagerClient& manager() { return *manager_; }
    // The VM object of `name` (GetVM); NotFound becomes an input error.
    std::unique_ptr<VmClient> vm(const std::string& name);
    sdbus::IConnection& connection() { return *connection_; }

private:
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<ManagerClient> manager_;
};

// Runs `call`; an sdbus::Error becomes a ccvm::Error of the kind its name maps to (ccvm(1) EXIT STATUS):
// MeasurementMismatch -> mismatch (1); SpecInvalid, InvalidArgument, NotFound, AlreadyExists,
// InvalidState -> input (2); everything else (access, libvirt, bus) -> system (3). A refusal by the
// bus policy or by ccvmd reads "permission denied: ...", a missing ccvmd "ccvmd is not reachable ...".
void with_daemon(const std::function<void()>& call);

}  // namespace ccvm::cli
