#include "ccvm/daemon/config.hpp"

#include <yaml-cpp/yaml.h>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/platform/initdata.hpp"

namespace ccvm::daemon {

std::string_view to_string(LaunchSecurity mode) { return mode == LaunchSecurity::simulated ? "simulated" : "libvirt"; }

namespace {

std::string where(std::string_view source, const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    return std::string(source) + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string scalar(std::string_view source, const std::string& key, const YAML::Node& value) {
    if (!value.IsScalar()) throw InputError(where(source, value) + ": '" + key + "' must be a string");
    return value.Scalar();
}

}  // namespace

DaemonConfig parse_config(std::string_view yaml, std::string_view source) {
    DaemonConfig config;
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        throw InputError(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    if (root.IsNull()) return config;
    if (!root.IsMap()) throw InputError(where(source, root) + ": the config must be a mapping");
    for (const auto& item : root) {
        const std::string key = item.first.as<std::string>();
        const std::string value = scalar(source, key, item.second);
        if (key == "libvirt_uri") {
            config.libvirt_uri = value;
        } else if (key == "state_dir") {
            if (value.empty() || value.front() != '/')
                throw InputError(where(source, item.second) + ": state_dir must be an absolute path");
            config.state_dir = value;
        } else if (key == "host_profile") {
            config.host_profile = value;
        } else if (key == "log_level") {
            static const char* const levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
            bool known = false;
            for (const char* level : levels) known = known || value == level;
            if (!known)
                throw InputError(where(source, item.second) + ": log_level '" + value +
                                 "' is not one of trace, debug, info, warn, error, critical, off");
            config.log_level = value;
        } else if (key == "launch_security") {
            if (value == "libvirt") {
                config.launch_security = LaunchSecurity::libvirt;
            } else if (value == "simulated") {
                config.launch_security = LaunchSecurity::simulated;
            } else {
                throw InputError(where(source, item.second) + ": launch_security '" + value +
                                 "' is not 'libvirt' or 'simulated'");
            }
        } else if (key == "admin_group") {
            config.admin_group = value;
        } else if (key == "kbs_url") {
            if (!platform::is_plain_kbs_url(value))
                throw InputError(where(source, item.second) + ": kbs_url '" + echo_input(value) +
                                 "' is not an http:// or https:// URL without quotes, spaces or backslashes");
            config.kbs_url = value;
        } else if (key == "attestation_dir") {
            if (value.empty() || value.front() != '/')
                throw InputError(where(source, item.second) + ": attestation_dir must be an absolute path");
            config.attestation_dir = value;
        } else {
            throw InputError(where(source, item.first) + ": unknown key '" + key + "'");
        }
    }
    return config;
}

DaemonConfig load_config(const std::filesystem::path& path) {
    return parse_config(read_text_file(path), path.string());
}

}  // namespace ccvm::daemon
