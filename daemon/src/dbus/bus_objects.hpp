// The generated adaptors implemented on the VmManager. Every call that changes state or reaches
// libvirt runs on the work pool; the reply is sent from there.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <memory>
#include <string>

#include "ccvm/daemon/authorization.hpp"
#include "ccvm/daemon/bus_service.hpp"
#include "ccvm/daemon/errors.hpp"
#include "dbus/work_pool.hpp"
#include "org.ccvm.ccvm1_adaptor.h"

namespace ccvm::daemon {

// The caller of the message being dispatched, from the bus's credentials (the uid is the bus
// daemon's; groups fall back to the user database when the bus does not report them).
Caller current_caller(const sdbus::IObject& object);

// A DaemonError or ccvm::Error as the named D-Bus error the client sees; the message is passed
// through echo_input (one line, printable, bounded).
sdbus::Error to_bus_error(std::exception_ptr error);

// Who called which method on which VM: for the per-caller work limit and the audit log.
struct CallInfo {
    Caller caller;
    std::string method;    // D-Bus member, e.g. "CreateVM"
    std::string vm = "-";  // the VM's name; "-" before a spec names it
    bool mutating = true;  // audited: every refusal or failure is logged once
};

// Logs one line for a refused or failed call: uid, method, VM, outcome and the error (never
// arguments, so never secret content). Refusals (access, busy) and failures are told apart.
void log_call_failure(const CallInfo& call, const sdbus::Error& error);

// The error of a call refused because its caller has its share of the workers busy.
sdbus::Error busy_error(const CallInfo& call, unsigned limit);

// Runs `fn` on the pool and answers the call with its result or its error. A caller with too many
// calls in flight is refused at once.
template <typename... Rs, typename Fn>
void answer_later(WorkPool& pool, CallInfo call, sdbus::Result<Rs...>&& result, Fn fn) {
    auto shared = std::make_shared<sdbus::Result<Rs...>>(std::move(result));
    const uid_t uid = call.caller.uid;
    const bool queued = pool.post(uid, [shared, call, fn = std::move(fn)]() mutable {
        try {
            if constexpr (sizeof...(Rs) == 0) {
                fn();
                shared->returnResults();
            } else {
                shared->returnResults(fn());
            }
        } catch (...) {
            const sdbus::Error error = to_bus_error(std::current_exception());
            log_call_failure(call, error);
            shared->returnError(error);
        }
    });
    if (!queued) {
        const sdbus::Error error = busy_error(call, pool.per_caller_limit());
        log_call_failure(call, error);
        shared->returnError(error);
    }
}

class ManagerObject final : public sdbus::AdaptorInterfaces<org::ccvm::ccvm1::Manager_adaptor> {
public:
    ManagerObject(sdbus::IConnection& connection, BusService& service);
    ~ManagerObject();
    using Manager_adaptor::emitVMNew;
    using Manager_adaptor::emitVMRemoved;

private:
    void CreateVM(sdbus::Result<sdbus::ObjectPath>&& result, std::string spec_yaml,
                  std::map<std::string, sdbus::UnixFd> files) override;
    std::vector<sdbus::Struct<std::string, std::string, std::string, sdbus::ObjectPath>> ListVMs() override;
    sdbus::ObjectPath GetVM(const std::string& name) override;
    std::vector<sdbus::Struct<std::string, std::string>> ListQuarantined() override;
    void Measure(sdbus::Result<std::map<std::string, sdbus::Variant>>&& result, std::string spec_yaml,
                 std::map<std::string, sdbus::UnixFd> files) override;
    std::string LaunchSecurity() override;
    std::string LibvirtURI() override;

    BusService& service_;
};

class VmObject final : public sdbus::AdaptorInterfaces<org::ccvm::ccvm1::VM_adaptor> {
public:
    VmObject(sdbus::IConnection& connection, BusService& service, std::string name);
    ~VmObject();
    // PropertiesChanged for the properties that move with the VM's state.
    void announce_change();
    // PropertiesChanged for RuntimeAttestation (an attestation or release by the key broker).
    void announce_runtime_attestation();

private:
    void Start(sdbus::Result<>&& result) override;
    void Stop(sdbus::Result<>&& result, bool force) override;
    void Destroy(sdbus::Result<>&& result) override;
    void Remove(sdbus::Result<>&& result) override;
    void Attest(sdbus::Result<std::map<std::string, sdbus::Variant>>&& result,
                std::map<std::string, sdbus::Variant> options) override;
    void InjectSecret(sdbus::Result<>&& result, std::string guid, sdbus::UnixFd fd) override;
    std::string Name() override;
    std::string Tee() override;
    std::string State() override;
    std::string StateReason() override;
    std::map<std::string, sdbus::Variant> ExpectedMeasurement() override;
    std::vector<std::uint8_t> LaunchMeasurement() override;
    std::map<std::string, sdbus::Variant> Attestation() override;
    std::map<std::string, sdbus::Variant> RuntimeAttestation() override;

    VmRecord record() const;

    BusService& service_;
    std::string name_;
};

}  // namespace ccvm::daemon
