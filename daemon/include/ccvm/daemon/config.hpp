// ccvmd's configuration file (/etc/ccvm/ccvmd.yaml or --config FILE).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ccvm/kbs/listen_address.hpp"

namespace ccvm::daemon {

enum class LaunchSecurity {
    libvirt,    // the host's firmware, through libvirt, runs the launch
    simulated,  // ccvmd plays the firmware's part on libvirt's test hypervisor
};

std::string_view to_string(LaunchSecurity mode);

// The longest session a KBS client may hold between auth and its last resource (one day).
inline constexpr std::chrono::seconds kMaxKbsSessionTtl{86400};

struct DaemonConfig {
    std::string libvirt_uri = "qemu:///system";
    std::filesystem::path state_dir = "/var/lib/ccvm";
    std::string host_profile;  // empty: the platform's default
    std::string log_level = "info";
    LaunchSecurity launch_security = LaunchSecurity::libvirt;
    std::string admin_group = "ccvm";  // members may change VMs (besides root)
    // Trust anchors for guest evidence handed to Attest and to the key broker, one subdirectory per
    // family (ccvmd(8)).
    std::filesystem::path attestation_dir = "/etc/ccvm/attestation";

    // The embedded key broker (KBS protocol, ccvmd(8) "KEY BROKER"); absent: not served.
    // `kbs_listen: "ADDR:PORT"` (kbs::parse_listen), port 1-65535.
    std::optional<kbs::ListenAddress> kbs_listen;
    // PEM certificate chain and private key for HTTPS; both or neither (plain HTTP, warned at start-up).
    std::filesystem::path kbs_tls_cert;
    std::filesystem::path kbs_tls_key;
    // How long a session lives after its auth (nonce, then the attested resources).
    std::chrono::seconds kbs_session_ttl{300};
    // The KBS URL the initdata ccvmd writes for a spec without one names: kbs_url as configured, or
    // derived from kbs_listen (https when TLS is configured); empty when neither is set.
    std::string kbs_url;

    bool kbs_tls() const { return !kbs_tls_cert.empty(); }
};

// Parses the YAML text of a config file; `source` names it in errors (InputError "source:L:C: key: ...").
DaemonConfig parse_config(std::string_view yaml, std::string_view source);
// Reads and parses `path`.
DaemonConfig load_config(const std::filesystem::path& path);

}  // namespace ccvm::daemon
