#include "launch_backends/simulated_backend.hpp"

#include <spdlog/spdlog.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/launch-secret/secret_table.hpp"
#include "launch_backends/caller_inputs.hpp"

namespace ccvm::daemon {

namespace {

// `firmware`: "SEV" or "CSV" once the VM's platform is known.
[[noreturn]] void firmware_error(const std::string& name, const std::string& what,
                                 std::string_view firmware = "SEV/CSV") {
    throw DaemonError(ErrorCode::libvirt,
                      "simulated " + std::string(firmware) + " firmware, domain " + name + ": " + what);
}

// sev.md §10: what OVMF looks for in the secret area: the table GUID and a length within the data.
bool is_secret_table(const secret::SecretBytes& data) {
    return data.size() >= secret::kSecretTableHeaderSize &&
           std::equal(secret::kSecretTableGuid.bytes.begin(), secret::kSecretTableGuid.bytes.end(), data.data()) &&
           load_le<std::uint32_t>(data.span(), 16, "secret table length") <= data.size();
}

// The launch-security types this backend simulates by launching without them: libvirt's test driver
// (libvirt 9.0) refuses <launchSecurity type='sev-snp'> and type='tdx' outright, and a CCA realm's
// rme-guest object lives in <qemu:commandline>, which the test driver ignores.
constexpr std::string_view kWithoutLaunchSecurity[] = {"sev-snp", "tdx"};

// `xml` without its <launchSecurity> element when that is one of kWithoutLaunchSecurity; the type
// removed goes to `removed`.
std::string without_launch_security(const std::string& xml, std::string& removed) {
    for (const std::string_view type : kWithoutLaunchSecurity) {
        for (const char quote : {'\'', '"'}) {
            const std::string open = std::string("<launchSecurity type=") + quote + std::string(type) + quote;
            const auto at = xml.find(open);
            if (at == std::string::npos) continue;
            const std::string_view close = "</launchSecurity>";
            const auto end = xml.find(close, at);
            // An element without children ends with "/>".
            const auto self_end = xml.find("/>", at);
            const auto gt = xml.find('>', at);
            std::size_t stop;
            if (self_end != std::string::npos && self_end + 1 == gt)
                stop = gt + 1;
            else if (end != std::string::npos)
                stop = end + close.size();
            else
                continue;
            removed = std::string(type);
            return xml.substr(0, at) + xml.substr(stop);
        }
    }
    return xml;
}

bool simulated_directly(platform::TeeKind kind) {
    return kind == platform::TeeKind::sev_snp || kind == platform::TeeKind::tdx || kind == platform::TeeKind::cca;
}

}  // namespace

SimulatedLaunchBackend::SimulatedLaunchBackend(std::unique_ptr<LibvirtBackend> libvirt, std::filesystem::path vms_dir)
    : libvirt_(std::move(libvirt)),
      vms_dir_(std::move(vms_dir)),
      sev_(make_simulated_sev_firmware()),
      csv_(make_simulated_csv_firmware()) {}

Bytes SimulatedLaunchBackend::sev_pdh(LaunchFirmware firmware) {
    return firmware == LaunchFirmware::hygon_csv ? csv_->pdh() : sev_->pdh();
}

void SimulatedLaunchBackend::check_can_launch(std::string_view tee) {
    // This backend plays the SEV and CSV firmware itself: the host's launch security (none on the
    // test driver) does not limit those families. The others launch on libvirt as they are.
    using platform::TeeKind;
    const std::optional<TeeKind> kind = platform::tee_from_name(tee);
    for (const TeeKind simulated : {TeeKind::sev, TeeKind::sev_es, TeeKind::csv, TeeKind::csv2, TeeKind::csv3})
        if (kind == simulated) return;
    // SEV-SNP, TDX and CCA launch on the test hypervisor without their launch security (define()).
    if (kind && simulated_directly(*kind)) return;
    libvirt_->check_can_launch(tee);
}

void SimulatedLaunchBackend::define(const std::string& domain_xml) {
    std::string removed;
    const std::string xml = without_launch_security(domain_xml, removed);
    if (!removed.empty())
        spdlog::info("simulated launch security: <launchSecurity type='{}'> is not given to the test hypervisor",
                     removed);
    libvirt_->define(xml);
}

const SimulatedFirmware& SimulatedLaunchBackend::firmware_for(platform::TeeKind tee) const {
    switch (tee) {
        case platform::TeeKind::csv:
        case platform::TeeKind::csv2:
        case platform::TeeKind::csv3:
            return *csv_;
        default:
            return *sev_;
    }
}

SimulatedLaunchBackend::Guest SimulatedLaunchBackend::launch_start(const std::string& name, const std::string& xml) {
    const LaunchStartInput in = launch_start_input(xml);
    // The VM's spec says which platform it was made for; what it boots are ccvmd's copies of the
    // inputs it names (the files the domain XML points at), never the spec's own paths.
    const std::filesystem::path spec_path = vms_dir_ / name / "spec.yaml";
    platform::VmSpec spec = platform::parse_vm_spec(read_text_file(spec_path), spec_path.string());
    point_at_copies(spec, vms_dir_ / name / "inputs");
    Guest guest;
    guest.firmware = &firmware_for(spec.tee);
    try {
        guest.launch = guest.firmware->launch(in, spec);
    } catch (const InputError& e) {
        firmware_error(name, e.what(), guest.firmware->name());
    }
    return guest;
}

void SimulatedLaunchBackend::start(const std::string& name, bool paused) {
    const std::string xml = libvirt_->domain_xml(name);
    if (!has_sev_launch_security(xml)) {
        libvirt_->start(name, paused);
        const std::filesystem::path spec_path = vms_dir_ / name / "spec.yaml";
        std::error_code ec;
        if (!std::filesystem::exists(spec_path, ec)) return;
        const platform::VmSpec spec = platform::parse_vm_spec(read_text_file(spec_path), spec_path.string());
        if (simulated_directly(spec.tee))
            spdlog::warn(
                "VM {}: simulated {} launch: started on the test hypervisor without its launch security; "
                "nothing about it is confidential",
                name, platform::tee_name(spec.tee));
        return;
    }
    if (!paused) firmware_error(name, "an SEV/CSV guest must be started paused to be measured");
    Guest guest;
    try {
        guest = launch_start(name, xml);
    } catch (const InputError& e) {
        firmware_error(name, e.what());
    }
    libvirt_->start(name, false);
    const std::string_view firmware = guest.firmware->name();
    std::lock_guard lock(mutex_);
    guests_.insert_or_assign(name, std::move(guest));
    spdlog::info("VM {}: simulated {} firmware: LAUNCH_START and LAUNCH_MEASURE done", name, firmware);
}

LaunchReport SimulatedLaunchBackend::launch_measurement(const std::string& name) {
    std::lock_guard lock(mutex_);
    const auto it = guests_.find(name);
    if (it == guests_.end()) firmware_error(name, "LAUNCH_MEASURE: no launch in progress");
    LaunchReport report;
    report.measurement = it->second.launch.measurement;
    report.api_major = kSimulatedApiMajor;
    report.api_minor = kSimulatedApiMinor;
    report.build_id = kSimulatedBuildId;
    report.policy = it->second.launch.policy;
    return report;
}

void SimulatedLaunchBackend::inject_launch_secret(const std::string& name, const std::string& header_b64,
                                                  const std::string& secret_b64) {
    std::lock_guard lock(mutex_);
    const auto it = guests_.find(name);
    if (it == guests_.end()) firmware_error(name, "LAUNCH_SECRET: no launch in progress");
    const Guest& guest = it->second;
    secret::SecretBytes data;
    try {
        data = guest.firmware->launch_secret(guest.launch, from_base64(header_b64, "sev-secret-header"),
                                             from_base64(secret_b64, "sev-secret"));
    } catch (const InputError& e) {
        firmware_error(name, e.what(), guest.firmware->name());
    }
    if (!is_secret_table(data))
        firmware_error(name, "LAUNCH_SECRET: decrypted data is not a secret table", guest.firmware->name());
    spdlog::info("VM {}: simulated {} firmware: LAUNCH_SECRET accepted ({} bytes)", name, guest.firmware->name(),
                 data.size());
}

void SimulatedLaunchBackend::finish(const std::string& name) {
    std::lock_guard lock(mutex_);
    guests_.erase(name);
}

DomainState SimulatedLaunchBackend::state(const std::string& name) {
    const DomainState s = libvirt_->state(name);
    std::lock_guard lock(mutex_);
    return s == DomainState::running && guests_.contains(name) ? DomainState::paused : s;
}

void SimulatedLaunchBackend::resume(const std::string& name) {
    {
        std::lock_guard lock(mutex_);
        // LAUNCH_FINISH: the guest runs and no secret can be injected any more.
        if (guests_.erase(name) > 0) return;
    }
    libvirt_->resume(name);
}

void SimulatedLaunchBackend::shutdown(const std::string& name) {
    libvirt_->shutdown(name);
    finish(name);
}

void SimulatedLaunchBackend::destroy(const std::string& name) {
    libvirt_->destroy(name);
    finish(name);
}

void SimulatedLaunchBackend::undefine(const std::string& name) {
    libvirt_->undefine(name);
    finish(name);
}

}  // namespace ccvm::daemon
