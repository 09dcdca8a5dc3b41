// ccvmd on the bus: the Manager object, one object per VM, caller authorization and the worker
// threads that run the calls (ccvmd(8) D-BUS INTERFACE, daemon/org.ccvm.ccvm1.xml).
#pragma once

#include <sdbus-c++/IConnection.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ccvm/daemon/authorization.hpp"
#include "ccvm/daemon/key_broker_service.hpp"
#include "ccvm/daemon/vm_manager.hpp"

namespace ccvm::daemon {

inline constexpr const char* kBusName = "org.ccvm.ccvm1";
inline constexpr const char* kManagerPath = "/org/ccvm/ccvm1";

// "/org/ccvm/ccvm1/vm/<bus-escaped name>" (sd_bus_path_encode).
std::string vm_object_path(const std::string& name);

class WorkPool;
class ManagerObject;
class VmObject;

class BusService final : public VmObserver, public RuntimeObserver {
public:
    BusService(sdbus::IConnection& connection, VmManager& manager, Authorizer authorizer, std::string libvirt_uri,
               unsigned worker_threads);
    ~BusService() override;

    // Creates the objects of the VMs the manager knows (after reconcile()).
    void publish_existing();

    void vm_added(const VmRecord& record) override;
    void vm_changed(const VmRecord& record) override;
    void vm_removed(const std::string& name) override;
    void runtime_attestation_changed(const std::string& name) override;

    // The embedded key broker whose runtime attestations the VM objects show (none: not served).
    void set_key_broker(const KeyBrokerService* broker) { key_broker_ = broker; }
    const KeyBrokerService* key_broker() const noexcept { return key_broker_; }

    VmManager& manager() noexcept { return manager_; }
    const Authorizer& authorizer() const noexcept { return authorizer_; }
    const std::string& libvirt_uri() const noexcept { return libvirt_uri_; }
    WorkPool& pool() noexcept { return *pool_; }

private:
    sdbus::IConnection& connection_;
    VmManager& manager_;
    Authorizer authorizer_;
    std::string libvirt_uri_;
    const KeyBrokerService* key_broker_ = nullptr;
    std::unique_ptr<WorkPool> pool_;
    std::unique_ptr<ManagerObject> manager_object_;
    std::mutex objects_mutex_;
    std::map<std::string, std::unique_ptr<VmObject>> vm_objects_;
};

}  // namespace ccvm::daemon
