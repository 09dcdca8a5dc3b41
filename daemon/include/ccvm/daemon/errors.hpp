// The daemon's error vocabulary: every failure a D-Bus caller can see, with its D-Bus error name.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ccvm::daemon {

enum class ErrorCode {
    spec_invalid,          // the YAML spec does not parse or validate
    invalid_argument,      // a call argument is malformed (GUID, fd, option)
    not_found,             // no VM of that name
    already_exists,        // a VM of that name exists
    invalid_state,         // the VM is not in a state that allows the call
    access_denied,         // the caller may not change VMs
    measurement_mismatch,  // the launch measurement differs from the expected one
    libvirt,               // the hypervisor refused or failed
    not_supported,         // the backend cannot do this for this TEE
    busy,                  // the caller has its share of the workers in use
    internal,              // state store or other host failure
};

// "org.ccvm.ccvm1.Error.<Name>" (ccvmd(8) D-BUS INTERFACE, daemon/org.ccvm.ccvm1.xml).
std::string dbus_error_name(ErrorCode code);

class DaemonError : public std::runtime_error {
public:
    DaemonError(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ErrorCode code() const noexcept { return code_; }

private:
    ErrorCode code_;
};

}  // namespace ccvm::daemon
