// The key broker's view of ccvmd's VMs (issue 15): which running VM an attestation speaks for, the
// registers its evidence must show, and the resources it may receive, from the VM records and the
// copies of the spec's files taken at create.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "ccvm/daemon/vm_manager.hpp"
#include "ccvm/kbs/key_broker.hpp"

namespace ccvm::daemon {

// Whether a VM of spec tee `tee` (sev-snp, tdx, csv2, ...) produces evidence of `family`.
bool tee_produces(platform::TeeKind tee, attestation::AgentTee family) noexcept;

class ManagerVmDirectory final : public kbs::VmDirectory {
public:
    explicit ManagerVmDirectory(const VmManager& manager) : manager_(manager) {}

    std::optional<kbs::VmMatch> find(attestation::AgentTee tee, std::span<const std::byte> init_data,
                                     std::string& why_not) override;
    // Reads ccvmd's copy of the file the spec names for `resource`, only while `vm` runs.
    kbs::SecureBytes read_resource(const std::string& vm, const kbs::ResourcePath& resource) override;
    bool resource_known(const kbs::ResourcePath& resource) override;

private:
    // What the broker needs of one VM, taken from its plan once per created VM (the plan re-reads the
    // input copies; a record whose expected measurement or initdata changes is a new VM).
    struct Entry {
        Registers recorded;  // the record's expected registers and initdata it was made from
        Bytes init_data;
        kbs::VmMatch match;
        std::map<kbs::ResourcePath, std::filesystem::path> files;
    };
    std::shared_ptr<const Entry> entry_of(const VmRecord& record);

    const VmManager& manager_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<const Entry>> entries_;
};

}  // namespace ccvm::daemon
