// The hypervisor operations ccvmd sequences, by domain name. Implemented on the platform's libvirt
// wrapper; the launch-security steps are played by the firmware (libvirt) or by ccvmd (simulated).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::daemon {

enum class DomainState { absent, shutoff, running, paused, other };

// The secure processor a pre-attested launch talks to: AMD's for SEV/SEV-ES, Hygon's for CSV.
// Both are reached through libvirt's SEV calls (csv.md §3).
enum class LaunchFirmware { amd_sev, hygon_csv };

// What the firmware reports for an SEV/SEV-ES/CSV guest started paused (libvirt.md §10).
struct LaunchReport {
    Bytes measurement;  // MEASURE (32) || MNONCE (16)
    std::uint32_t api_major = 0;
    std::uint32_t api_minor = 0;
    std::uint32_t build_id = 0;
    std::uint32_t policy = 0;
};

class VmBackend {
public:
    virtual ~VmBackend() = default;

    // Throws DaemonError(not_supported) with one line naming the family and the libvirt/QEMU
    // versions it needs when this host cannot launch a `tee` guest (checked at create). Backends
    // without a host to probe accept everything.
    virtual void check_can_launch(platform::TeeKind tee) { (void)tee; }

    virtual std::vector<std::string> list_domains() = 0;
    virtual DomainState state(const std::string& name) = 0;
    // Defines (or redefines) a persistent domain from its XML.
    virtual void define(const std::string& domain_xml) = 0;
    virtual void start(const std::string& name, bool paused) = 0;
    virtual void resume(const std::string& name) = 0;
    virtual void shutdown(const std::string& name) = 0;
    virtual void destroy(const std::string& name) = 0;
    virtual void undefine(const std::string& name) = 0;

    // The platform's PDH certificate (2084 bytes), the key the launch session is made for. A real
    // host has one secure processor and answers with its PDH whatever `firmware` says.
    virtual Bytes sev_pdh(LaunchFirmware firmware) = 0;
    virtual LaunchReport launch_measurement(const std::string& name) = 0;
    // LAUNCH_SECRET: base64 packet header and ciphertext.
    virtual void inject_launch_secret(const std::string& name, const std::string& header_b64,
                                      const std::string& secret_b64) = 0;
};

}  // namespace ccvm::daemon
