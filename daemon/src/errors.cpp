#include "ccvm/daemon/errors.hpp"

namespace ccvm::daemon {

std::string dbus_error_name(ErrorCode code) {
    const char* name = "Internal";
    switch (code) {
        case ErrorCode::spec_invalid:
            name = "SpecInvalid";
            break;
        case ErrorCode::invalid_argument:
            name = "InvalidArgument";
            break;
        case ErrorCode::not_found:
            name = "NotFound";
            break;
        case ErrorCode::already_exists:
            name = "AlreadyExists";
            break;
        case ErrorCode::invalid_state:
            name = "InvalidState";
            break;
        case ErrorCode::access_denied:
            name = "AccessDenied";
            break;
        case ErrorCode::measurement_mismatch:
            name = "MeasurementMismatch";
            break;
        case ErrorCode::libvirt:
            name = "Libvirt";
            break;
        case ErrorCode::not_supported:
            name = "NotSupported";
            break;
        case ErrorCode::busy:
            name = "Busy";
            break;
        case ErrorCode::internal:
            name = "Internal";
            break;
    }
    return std::string("org.ccvm.ccvm1.Error.") + name;
}

}  // namespace ccvm::daemon
