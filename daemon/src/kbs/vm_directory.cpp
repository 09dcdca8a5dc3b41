#include "kbs/vm_directory.hpp"

#include <algorithm>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"
#include "launch_backends/platform_planner.hpp"

namespace ccvm::daemon {

namespace {

// CSV evidence has no initdata field: the VM is found by its launch digest instead (issue 15).
constexpr const char* kCsvLaunchRegister = "launch_digest";

}  // namespace

bool tee_produces(platform::TeeKind tee, attestation::AgentTee family) noexcept {
    using platform::TeeKind;
    switch (family) {
        case attestation::AgentTee::snp:
            return tee == TeeKind::sev_snp;
        case attestation::AgentTee::tdx:
            return tee == TeeKind::tdx;
        case attestation::AgentTee::cca:
            return tee == TeeKind::cca;
        case attestation::AgentTee::csv:
            return tee == TeeKind::csv || tee == TeeKind::csv2 || tee == TeeKind::csv3;
    }
    return false;
}

std::shared_ptr<const ManagerVmDirectory::Entry> ManagerVmDirectory::entry_of(const VmRecord& record) {
    {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(record.name);
        if (it != entries_.end() && it->second->recorded == record.expected &&
            it->second->init_data == record.init_data)
            return it->second;
    }
    // Outside the lock: planning reads the VM's input copies.
    const VmPlan plan = manager_.plan(record.name);
    const platform::VmSpec& spec = native_spec(plan);
    auto entry = std::make_shared<Entry>();
    entry->recorded = record.expected;
    entry->init_data = record.init_data;
    entry->match.name = record.name;
    // The registers measured at create (as the launch check uses them), plus what the spec pins for
    // registers ccvm cannot compute (tee.reference-values). One still undetermined stays in
    // not_computed, and the broker refuses it by name.
    entry->match.expected = record.expected;
    for (const auto& [name, value] : spec.reference_values) {
        entry->match.expected.values[name] = value;
        entry->match.expected.not_computed.erase(name);
    }
    for (const platform::RuntimeSecret& secret : spec.runtime_secrets) {
        const kbs::ResourcePath path = kbs::ResourcePath::parse(secret.resource);
        entry->match.resources.push_back(path);
        entry->files[path] = secret.file;
    }
    std::lock_guard lock(mutex_);
    entries_[record.name] = entry;
    return entry;
}

std::optional<kbs::VmMatch> ManagerVmDirectory::find(attestation::AgentTee tee, std::span<const std::byte> init_data,
                                                     std::string& why_not) {
    const std::string wanted = to_hex(init_data);
    const bool by_launch_digest = tee == attestation::AgentTee::csv;
    std::vector<VmRecord> running;
    std::vector<std::string> stopped;  // matching VMs that do not run
    for (const VmRecord& record : manager_.list()) {
        if (!tee_produces(record.tee, tee)) continue;
        bool matches = false;
        const auto same = [&](const Bytes& b) { return std::ranges::equal(b, init_data); };
        if (by_launch_digest) {
            const auto it = record.expected.values.find(kCsvLaunchRegister);
            matches = it != record.expected.values.end() && same(it->second);
        } else {
            matches = !record.init_data.empty() && same(record.init_data);
        }
        if (!matches) continue;
        if (record.state == VmState::running)
            running.push_back(record);
        else
            stopped.push_back(record.name + " (" + std::string(to_string(record.state)) + ")");
    }
    const std::string field = by_launch_digest ? "launch digest " : "initdata digest ";
    if (running.size() > 1) {
        std::string names;
        for (const VmRecord& r : running) names += (names.empty() ? "" : ", ") + r.name;
        why_not = "running VMs " + names + " share the " + field + wanted + ": which one attests is ambiguous";
        return std::nullopt;
    }
    if (running.empty()) {
        why_not = "no running " + std::string(attestation::agent_tee_name(tee)) + " VM has the " + field + wanted;
        if (!stopped.empty()) {
            std::string names;
            for (const std::string& s : stopped) names += (names.empty() ? "" : ", ") + s;
            why_not += " (not running: " + names + ")";
        }
        return std::nullopt;
    }
    try {
        return entry_of(running.front())->match;
    } catch (const std::exception& e) {
        why_not = "VM " + running.front().name + ": " + e.what();
        return std::nullopt;
    }
}

kbs::SecureBytes ManagerVmDirectory::read_resource(const std::string& vm, const kbs::ResourcePath& resource) {
    // A session outlives nothing: a VM that stopped since it attested gets no more resources.
    const std::optional<VmRecord> record = manager_.find(vm);
    if (!record || record->state != VmState::running)
        throw InputError("VM " + vm + " is not running; its sessions release nothing");
    const std::shared_ptr<const Entry> entry = entry_of(*record);
    const auto it = entry->files.find(resource);
    if (it == entry->files.end()) throw InputError("VM " + vm + " lists no resource " + resource.str());
    // ccvmd's own copy, taken at create with the caller's rights; the secret stays in wiped memory.
    return secret::read_secret_file(it->second);
}

bool ManagerVmDirectory::resource_known(const kbs::ResourcePath& resource) {
    for (const VmRecord& record : manager_.list()) {
        const bool runtime_family = tee_produces(record.tee, attestation::AgentTee::snp) ||
                                    tee_produces(record.tee, attestation::AgentTee::tdx) ||
                                    tee_produces(record.tee, attestation::AgentTee::cca) ||
                                    tee_produces(record.tee, attestation::AgentTee::csv);
        if (!runtime_family) continue;
        try {
            const std::shared_ptr<const Entry> entry = entry_of(record);
            if (entry->files.contains(resource)) return true;
        } catch (const std::exception&) {
            // A VM whose inputs cannot be planned lists nothing.
        }
    }
    return false;
}

}  // namespace ccvm::daemon
