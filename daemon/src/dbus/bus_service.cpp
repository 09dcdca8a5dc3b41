#include "ccvm/daemon/bus_service.hpp"

#include <systemd/sd-bus.h>

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "ccvm/daemon/errors.hpp"
#include "dbus/bus_objects.hpp"
#include "dbus/work_pool.hpp"

namespace ccvm::daemon {

std::string vm_object_path(const std::string& name) {
    char* path = nullptr;
    if (sd_bus_path_encode("/org/ccvm/ccvm1/vm", name.c_str(), &path) < 0 || path == nullptr)
        throw DaemonError(ErrorCode::internal, "cannot encode an object path for VM '" + name + "'");
    std::string out(path);
    std::free(path);
    return out;
}

BusService::BusService(sdbus::IConnection& connection, VmManager& manager, Authorizer authorizer,
                       std::string libvirt_uri, unsigned worker_threads)
    : connection_(connection),
      manager_(manager),
      authorizer_(authorizer),
      libvirt_uri_(std::move(libvirt_uri)),
      pool_(std::make_unique<WorkPool>(worker_threads)) {
    manager_object_ = std::make_unique<ManagerObject>(connection_, *this);
    manager_.set_observer(this);
}

BusService::~BusService() {
    pool_.reset();  // finish the calls in flight before their objects go
    manager_.set_observer(nullptr);
    std::lock_guard lock(objects_mutex_);
    vm_objects_.clear();
    manager_object_.reset();
}

void BusService::publish_existing() {
    std::lock_guard lock(objects_mutex_);
    for (const VmRecord& r : manager_.list()) {
        try {
            vm_objects_[r.name] = std::make_unique<VmObject>(connection_, *this, r.name);
        } catch (const std::exception& e) {
            // Names are unique directory names, so this is not expected; still, one VM's object
            // must not keep the daemon from serving the others.
            spdlog::error("VM {}: cannot publish its D-Bus object: {}", r.name, e.what());
        }
    }
}

void BusService::vm_added(const VmRecord& record) {
    {
        std::lock_guard lock(objects_mutex_);
        vm_objects_[record.name] = std::make_unique<VmObject>(connection_, *this, record.name);
    }
    manager_object_->emitVMNew(record.name, sdbus::ObjectPath(vm_object_path(record.name)));
}

void BusService::vm_changed(const VmRecord& record) {
    std::lock_guard lock(objects_mutex_);
    const auto it = vm_objects_.find(record.name);
    if (it != vm_objects_.end()) it->second->announce_change();
}

void BusService::runtime_attestation_changed(const std::string& name) {
    std::lock_guard lock(objects_mutex_);
    const auto it = vm_objects_.find(name);
    if (it != vm_objects_.end()) it->second->announce_runtime_attestation();
}

void BusService::vm_removed(const std::string& name) {
    {
        std::lock_guard lock(objects_mutex_);
        vm_objects_.erase(name);
    }
    manager_object_->emitVMRemoved(name, sdbus::ObjectPath(vm_object_path(name)));
}

}  // namespace ccvm::daemon
