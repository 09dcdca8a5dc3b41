// The VM manager: sequences define/launch/stop/remove, persists where each VM stands and reconciles
// with libvirt. No D-Bus here; the bus objects call it from worker threads. Calls on one VM are
// serialized by that VM's mutex; calls on different VMs run in parallel.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ccvm/daemon/crash_points.hpp"
#include "ccvm/daemon/evidence_verifier.hpp"
#include "ccvm/daemon/launch_flow.hpp"
#include "ccvm/daemon/spec_planner.hpp"
#include "ccvm/daemon/state_store.hpp"
#include "ccvm/daemon/vm_backend.hpp"

namespace ccvm::daemon {

// Told about every VM appearing, changing and disappearing (the D-Bus layer emits signals).
class VmObserver {
public:
    virtual ~VmObserver() = default;
    virtual void vm_added(const VmRecord& record) = 0;
    virtual void vm_changed(const VmRecord& record) = 0;
    virtual void vm_removed(const std::string& name) = 0;
};

// How errors name spec text submitted over the bus ("spec:3:1: ..."); the CLI, which knows the
// file, puts its name in place of this one (org.ccvm.ccvm1.xml, CreateVM).
inline constexpr const char* kSubmittedSpecSource = "spec";

// Manager.Measure: the registers a spec's VM would have to produce.
struct MeasureResult {
    std::string name;
    platform::TeeKind tee = platform::TeeKind::none;
    Registers expected;
    std::string backend;  // "libvirt" or "simulated"
};

// VM.Attest: what is recorded about the VM's launch, and the verdict on guest evidence when given.
struct AttestResult {
    std::string name;
    platform::TeeKind tee = platform::TeeKind::none;
    VmState state = VmState::defined;
    std::string backend;
    std::optional<LaunchAttestation> launch;  // none before the first launch
    Registers expected;
    Bytes launch_measurement;
    std::optional<EvidenceVerdict> evidence;
};

class VmManager {
public:
    VmManager(StateStore& store, VmBackend& backend, const SpecPlanner& planner, const LaunchFlows& flows,
              CrashPoints crash_points = {});

    void set_observer(VmObserver* observer) { observer_ = observer; }
    // Enables Attest with guest evidence; without a verifier such a call is not_supported.
    void set_evidence_verifier(const EvidenceVerifier* verifier) { evidence_verifier_ = verifier; }

    // Brings the state dir and libvirt into agreement after a start or a crash: interrupted creates
    // are rolled back, interrupted removes finished, missing domains redefined, interrupted launches
    // destroyed. Call once before serving.
    void reconcile();
    // Re-reads libvirt's view of running VMs (a guest may power off by itself).
    void refresh();

    // `files`: the descriptors the caller opened for the files the spec names (SpecPlanner::plan);
    // the VM keeps ccvmd's copies of those it reads, in its state directory.
    VmRecord create(std::string_view spec_yaml, CallerFiles files = {});
    MeasureResult measure(std::string_view spec_yaml, CallerFiles files = {}) const;
    void start(const std::string& name);
    void stop(const std::string& name, bool force);
    void destroy(const std::string& name);
    void remove(const std::string& name);
    // The recorded launch attestation; with `evidence`, that evidence verified against the VM's
    // spec instead (verdict, reason, checks and the evidence's registers).
    AttestResult attest(const std::string& name, std::optional<ByteSpan> evidence = std::nullopt);
    void inject_secret(const std::string& name, std::string guid, secret::SecretBytes secret);

    std::vector<VmRecord> list() const;
    // State entries moved aside because they could not be taken as VMs (StateStore::quarantine).
    std::vector<StateStore::Quarantined> quarantined() const { return store_.list_quarantined(); }
    std::optional<VmRecord> find(const std::string& name) const;
    const std::string& backend_name() const noexcept { return flows_.backend_name(); }
    // The plan of created VM `name` from ccvmd's copies of its inputs (the key broker reads its
    // runtime secrets and pinned registers there). Throws like the planner.
    VmPlan plan(const std::string& name) const { return plan_of(name); }

private:
    struct Entry {
        std::mutex op;  // held for a whole operation on this VM
        mutable std::mutex data;
        VmRecord record;
    };
    std::shared_ptr<Entry> entry(const std::string& name) const;
    VmRecord snapshot(const Entry& e) const;
    void update(Entry& e, const VmRecord& record);  // persist + publish
    // `launching`: also check that its disks and logs are still the files passed at create.
    VmPlan plan_of(const std::string& name, bool launching = false) const;
    void reconcile_one(const std::string& name);
    // The record of VM directory `name`, checked to be one VM ccvmd can serve; InputError saying why not.
    VmRecord load_valid(const std::string& name) const;

    StateStore& store_;
    VmBackend& backend_;
    const SpecPlanner& planner_;
    const LaunchFlows& flows_;
    CrashPoints crash_;
    VmObserver* observer_ = nullptr;
    const EvidenceVerifier* evidence_verifier_ = nullptr;

    mutable std::mutex map_mutex_;
    std::map<std::string, std::shared_ptr<Entry>> vms_;
};

// VM names become directory and libvirt names: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}.
void check_vm_name(const std::string& name);

}  // namespace ccvm::daemon
