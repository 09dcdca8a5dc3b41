// launch_security: simulated — ccvmd plays the secure processor's part (AMD SEV/SEV-ES, Hygon CSV)
// on top of libvirt's test hypervisor, so the pre-attestation flow runs on machines without that
// hardware. It is a real counterpart of the guest owner's side (simulated_firmware.hpp): it opens
// the session with its own PDH key, measures the VM's actual firmware/kernel/initrd/cmdline as
// they are at start, answers LAUNCH_MEASURE and decrypts and checks the LAUNCH_SECRET packet.
// It protects nothing. libvirt's test driver cannot start a domain paused, so the test domain runs
// and this backend reports it paused (its vCPUs held by the "firmware") from LAUNCH_START until
// LAUNCH_FINISH (resume).
// SEV-SNP, TDX and CCA VMs, whose firmware reports the measurement in the guest's own evidence,
// are started on the test hypervisor without their launch-security element: the path create ->
// start -> runtime attestation runs on any machine, and every log line and state says simulated.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "ccvm/daemon/vm_backend.hpp"
#include "launch_backends/libvirt_backend.hpp"
#include "launch_backends/simulated_firmware.hpp"

namespace ccvm::daemon {

class SimulatedLaunchBackend final : public VmBackend {
public:
    // `vms_dir`: the state directory's VM folders, where each VM's spec names its real inputs.
    SimulatedLaunchBackend(std::unique_ptr<LibvirtBackend> libvirt, std::filesystem::path vms_dir);

    void check_can_launch(std::string_view tee) override;
    std::vector<std::string> list_domains() override { return libvirt_->list_domains(); }
    DomainState state(const std::string& name) override;
    // SEV-SNP and TDX domains are defined without their <launchSecurity> (the test driver refuses it).
    void define(const std::string& domain_xml) override;
    void start(const std::string& name, bool paused) override;
    void resume(const std::string& name) override;
    void shutdown(const std::string& name) override;
    void destroy(const std::string& name) override;
    void undefine(const std::string& name) override;
    Bytes sev_pdh(LaunchFirmware firmware) override;
    LaunchReport launch_measurement(const std::string& name) override;
    void inject_launch_secret(const std::string& name, const std::string& header_b64,
                              const std::string& secret_b64) override;

private:
    struct Guest {
        const SimulatedFirmware* firmware = nullptr;
        SimulatedGuest launch;
    };
    Guest launch_start(const std::string& name, const std::string& live_xml);
    const SimulatedFirmware& firmware_for(platform::TeeKind tee) const;
    void finish(const std::string& name);

    std::unique_ptr<LibvirtBackend> libvirt_;
    std::filesystem::path vms_dir_;
    std::unique_ptr<SimulatedFirmware> sev_;
    std::unique_ptr<SimulatedFirmware> csv_;
    std::mutex mutex_;
    std::map<std::string, Guest> guests_;
};

}  // namespace ccvm::daemon
