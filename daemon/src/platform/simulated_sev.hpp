// launch_security: simulated — ccvmd plays the SEV firmware's part on top of libvirt's test
// hypervisor, so the pre-attestation flow runs on machines without SEV. It is a real counterpart of
// the guest owner's side: it unwraps the session with its own PDH key (sev.md §8), measures the VM's
// actual firmware/kernel/initrd/cmdline as they are at start (sev.md §4-§5), answers LAUNCH_MEASURE
// with the TIK (sev.md §9) and decrypts and checks the LAUNCH_SECRET packet (sev.md §11).
// It protects nothing: the "firmware" is ordinary host memory. libvirt's test driver cannot start a
// domain paused, so the test domain runs and this backend reports it paused (its vCPUs held by the
// "firmware") from LAUNCH_START until LAUNCH_FINISH (resume).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "ccvm/daemon/vm_backend.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/launch-secret/p384.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"
#include "platform/libvirt_backend.hpp"

namespace ccvm::daemon {

class SimulatedSevBackend final : public VmBackend {
public:
    // `vms_dir`: the state directory's VM folders, where each VM's spec names its real inputs.
    SimulatedSevBackend(std::unique_ptr<LibvirtBackend> libvirt, std::filesystem::path vms_dir);

    std::vector<std::string> list_domains() override { return libvirt_->list_domains(); }
    DomainState state(const std::string& name) override;
    void define(const std::string& domain_xml) override { libvirt_->define(domain_xml); }
    void start(const std::string& name, bool paused) override;
    void resume(const std::string& name) override;
    void shutdown(const std::string& name) override;
    void destroy(const std::string& name) override;
    void undefine(const std::string& name) override;
    Bytes sev_pdh() override;
    LaunchReport launch_measurement(const std::string& name) override;
    void inject_launch_secret(const std::string& name, const std::string& header_b64,
                              const std::string& secret_b64) override;

    // The simulated platform's firmware version (reported like libvirt's sev-api-*, sev-build-id).
    static constexpr std::uint32_t kApiMajor = 1;
    static constexpr std::uint32_t kApiMinor = 55;
    static constexpr std::uint32_t kBuildId = 21;

private:
    // One guest between LAUNCH_START and LAUNCH_FINISH.
    struct Guest {
        secret::SecretBytes tek;
        secret::SecretBytes tik;
        std::uint32_t policy = 0;
        Bytes measurement;  // MEASURE || MNONCE
        bool secret_injected = false;
    };
    Guest launch_start(const std::string& name, const std::string& live_xml);
    Sha256Digest measure_inputs(const std::string& name, std::uint32_t policy) const;
    void finish(const std::string& name);

    std::unique_ptr<LibvirtBackend> libvirt_;
    std::filesystem::path vms_dir_;
    secret::P384PrivateKey pdh_;
    std::mutex mutex_;
    std::map<std::string, Guest> guests_;
};

}  // namespace ccvm::daemon
