// ccvmd's configuration file (/etc/ccvm/ccvmd.yaml or --config FILE).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ccvm::daemon {

enum class LaunchSecurity {
    libvirt,    // the host's firmware, through libvirt, runs the launch
    simulated,  // ccvmd plays the firmware's part on libvirt's test hypervisor
};

std::string_view to_string(LaunchSecurity mode);

struct DaemonConfig {
    std::string libvirt_uri = "qemu:///system";
    std::filesystem::path state_dir = "/var/lib/ccvm";
    std::string host_profile;  // empty: the platform's default
    std::string log_level = "info";
    LaunchSecurity launch_security = LaunchSecurity::libvirt;
    std::string admin_group = "ccvm";  // members may change VMs (besides root)
    // Trust anchors for guest evidence handed to Attest, one subdirectory per family (ccvmd(8)).
    std::filesystem::path attestation_dir = "/etc/ccvm/attestation";
    // The key broker URL guests reach (http[s]://HOST:PORT), written into the initdata ccvmd makes
    // for a SEV-SNP, TDX or CCA VM whose spec names none. Empty: no such initdata.
    std::string kbs_url;
};

// Parses the YAML text of a config file; `source` names it in errors (InputError "source: key: ...").
DaemonConfig parse_config(std::string_view yaml, std::string_view source);
// Reads and parses `path`.
DaemonConfig load_config(const std::filesystem::path& path);

}  // namespace ccvm::daemon
