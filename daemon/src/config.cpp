#include "ccvm/daemon/config.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <map>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/kbs/listen_address.hpp"
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

// "300" or "300s": whole seconds from 1 to kMaxKbsSessionTtl.
std::chrono::seconds parse_ttl(std::string_view text, const std::string& at) {
    std::string_view digits = text;
    if (!digits.empty() && digits.back() == 's') digits.remove_suffix(1);
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || seconds < 1 ||
        seconds > kMaxKbsSessionTtl.count())
        throw InputError(at + ": kbs_session_ttl '" + echo_input(text) + "' is not a number of seconds from 1 to " +
                         std::to_string(kMaxKbsSessionTtl.count()));
    return std::chrono::seconds(seconds);
}

std::filesystem::path absolute_path(const std::string& at, const std::string& key, const std::string& value) {
    if (value.empty() || value.front() != '/') throw InputError(at + ": " + key + " must be an absolute path");
    return value;
}

// Checks that go across keys, once every key is read; `marks` locates the keys that were given.
void check_kbs(DaemonConfig& config, std::string_view source, const std::map<std::string, std::string>& marks) {
    const auto at = [&](const std::string& key) {
        const auto it = marks.find(key);
        return it != marks.end() ? it->second : std::string(source);
    };
    if (config.kbs_tls_cert.empty() != config.kbs_tls_key.empty()) {
        const std::string given = config.kbs_tls_cert.empty() ? "kbs_tls_key" : "kbs_tls_cert";
        const std::string missing = config.kbs_tls_cert.empty() ? "kbs_tls_cert" : "kbs_tls_key";
        throw InputError(at(given) + ": " + given + " needs " + missing + " as well (HTTPS takes both)");
    }
    if (!config.kbs_listen) {
        for (const char* key : {"kbs_tls_cert", "kbs_session_ttl"})
            if (marks.contains(key))
                throw InputError(at(key) + ": " + key + " configures the key broker, which needs kbs_listen");
        return;
    }
    if (config.kbs_url.empty()) {
        if (config.kbs_listen->wildcard())
            throw InputError(at("kbs_listen") + ": kbs_listen " + config.kbs_listen->str() +
                             " is no address a guest can reach: set kbs_url to the URL guests use");
        config.kbs_url = std::string(config.kbs_tls() ? "https://" : "http://") + config.kbs_listen->str();
    }
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
    std::map<std::string, std::string> marks;
    for (const auto& item : root) {
        const std::string key = item.first.as<std::string>();
        const std::string value = scalar(source, key, item.second);
        const std::string at = where(source, item.second);
        marks[key] = at;
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
        } else if (key == "kbs_listen") {
            // Port 0 (any free port) could not be named in the guests' KBS URL.
            config.kbs_listen = kbs::parse_listen(value, at + ": kbs_listen", 1);
        } else if (key == "kbs_tls_cert") {
            config.kbs_tls_cert = absolute_path(at, key, value);
        } else if (key == "kbs_tls_key") {
            config.kbs_tls_key = absolute_path(at, key, value);
        } else if (key == "kbs_session_ttl") {
            config.kbs_session_ttl = parse_ttl(value, at);
        } else {
            throw InputError(where(source, item.first) + ": unknown key '" + key + "'");
        }
    }
    check_kbs(config, source, marks);
    return config;
}

DaemonConfig load_config(const std::filesystem::path& path) {
    return parse_config(read_text_file(path), path.string());
}

}  // namespace ccvm::daemon
