#include "launch_backends/pre_attestation.hpp"

#include "ccvm/daemon/errors.hpp"

namespace ccvm::daemon {

std::uint8_t api_byte(std::uint32_t value, const char* what) {
    if (value > 0xff)
        throw DaemonError(ErrorCode::libvirt, std::string("firmware reported ") + what + " " + std::to_string(value) +
                                                  " (more than 8 bits)");
    return static_cast<std::uint8_t>(value);
}

}  // namespace ccvm::daemon
