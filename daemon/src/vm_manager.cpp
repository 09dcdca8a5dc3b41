#include "ccvm/daemon/vm_manager.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <set>
#include <thread>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/daemon/errors.hpp"

namespace ccvm::daemon {

namespace {

// How long a graceful Stop waits for the guest before answering "stopping".
constexpr auto kShutdownWait = std::chrono::seconds(5);

bool active(DomainState s) { return s == DomainState::running || s == DomainState::paused || s == DomainState::other; }

}  // namespace

void check_vm_name(const std::string& name) {
    const auto ok_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
               c == '-';
    };
    bool ok = !name.empty() && name.size() <= 64 && name.front() != '.' && name.front() != '-' && name.front() != '_';
    for (char c : name) ok = ok && ok_char(c);
    if (!ok)
        throw DaemonError(ErrorCode::spec_invalid, "VM name '" + echo_input(name) +
                                                       "' must be 1-64 characters of A-Z a-z 0-9 _ . - "
                                                       "starting with a letter or digit");
}

VmManager::VmManager(StateStore& store, VmBackend& backend, const SpecPlanner& planner, const LaunchFlows& flows,
                     CrashPoints crash_points)
    : store_(store), backend_(backend), planner_(planner), flows_(flows), crash_(std::move(crash_points)) {}

std::shared_ptr<VmManager::Entry> VmManager::entry(const std::string& name) const {
    std::lock_guard lock(map_mutex_);
    const auto it = vms_.find(name);
    if (it == vms_.end()) throw DaemonError(ErrorCode::not_found, "no VM named '" + echo_input(name) + "'");
    return it->second;
}

VmRecord VmManager::snapshot(const Entry& e) const {
    std::lock_guard lock(e.data);
    return e.record;
}

void VmManager::update(Entry& e, const VmRecord& record) {
    store_.save(record);
    {
        std::lock_guard lock(e.data);
        e.record = record;
    }
    if (observer_ != nullptr) observer_->vm_changed(record);
}

VmPlan VmManager::plan_of(const std::string& name, bool launching) const {
    // Only ccvmd's copies made at create are read, never the caller's paths again.
    PlanInputs inputs{nullptr, store_.inputs_dir(name), store_.inputs_dir(name), launching};
    return planner_.plan(store_.spec_yaml(name), (store_.root() / name / "spec.yaml").string(), inputs);
}

// --- reconciliation -------------------------------------------------------------------------------

void VmManager::reconcile() {
    for (const std::string& name : store_.recover_names()) {
        // A record ccvmd cannot serve goes to quarantine, so that it neither stops the daemon nor
        // holds a name that list does not show.
        VmRecord record;
        try {
            record = load_valid(name);
        } catch (const std::exception& e) {
            try {
                store_.quarantine(name, e.what());
            } catch (const std::exception& q) {
                spdlog::error("state: cannot quarantine {}: {}", echo_input(name), q.what());
            }
            continue;
        }
        try {
            reconcile_one(name);
        } catch (const std::exception& e) {
            // libvirt trouble: keep the VM (its name stays taken and listed) and say what went wrong.
            spdlog::error("reconcile {}: {}", name, e.what());
            if (record.phase != Phase::ready) continue;
            record.state = VmState::failed;
            record.state_reason = std::string("ccvmd could not check it at start-up: ") + e.what();
            auto entry = std::make_shared<Entry>();
            entry->record = record;
            std::lock_guard lock(map_mutex_);
            vms_[name] = std::move(entry);
        }
    }
}

VmRecord VmManager::load_valid(const std::string& name) const {
    VmRecord record = store_.load(name);
    check_vm_name(name);
    if (record.name != name)
        throw InputError("its record names VM '" + echo_input(record.name) + "', not '" + name +
                         "' (a second record claiming another VM's name?)");
    if (record.phase == Phase::ready) {
        // Every later call needs these: better refused now than failing on start or attest.
        (void)store_.spec_yaml(name);
        (void)store_.domain_xml(name);
        (void)json::parse(record.expected_measurement, "expected_measurement of the record");
        if (!record.attestation.empty()) (void)json::parse(record.attestation, "attestation of the record");
    }
    return record;
}

void VmManager::reconcile_one(const std::string& name) {
    VmRecord record = store_.load(name);
    const DomainState dstate = backend_.state(name);
    if (record.phase != Phase::ready) {
        // An interrupted create or remove: the VM goes away completely.
        if (active(dstate)) backend_.destroy(name);
        if (dstate != DomainState::absent) backend_.undefine(name);
        store_.erase(name);
        spdlog::info("VM {}: rolled back an interrupted {}", name,
                     record.phase == Phase::creating ? "create" : "remove");
        return;
    }
    const VmRecord before = record;
    if (dstate == DomainState::absent) {
        backend_.define(store_.domain_xml(name));
        spdlog::info("VM {}: libvirt had no domain; defined it again from the state directory", name);
    }
    const DomainState now = backend_.state(name);
    if (record.state == VmState::starting || record.state == VmState::paused) {
        // Launch material (session keys) lived only in the old process: this launch cannot finish.
        if (active(now)) backend_.destroy(name);
        record.state = VmState::defined;
        record.state_reason = "launch interrupted by a ccvmd restart; start it again";
    } else if (active(now)) {
        record.state = VmState::running;
    } else if (record.state == VmState::running || record.state == VmState::stopping) {
        record.state = VmState::defined;
        record.state_reason = "stopped while ccvmd was not watching";
    }
    if (record.state != before.state || record.state_reason != before.state_reason) store_.save(record);
    auto e = std::make_shared<Entry>();
    e->record = record;
    std::lock_guard lock(map_mutex_);
    vms_[name] = std::move(e);
}

void VmManager::refresh() {
    std::vector<std::shared_ptr<Entry>> entries;
    {
        std::lock_guard lock(map_mutex_);
        for (const auto& [name, e] : vms_) entries.push_back(e);
    }
    for (const auto& e : entries) {
        std::unique_lock op(e->op, std::try_to_lock);
        if (!op.owns_lock()) continue;  // an operation is under way; it will publish the state
        VmRecord record = snapshot(*e);
        if (record.phase != Phase::ready || (record.state != VmState::running && record.state != VmState::stopping))
            continue;
        try {
            if (!active(backend_.state(record.name))) {
                record.state = VmState::defined;
                record.state_reason = "the guest powered off";
                update(*e, record);
            }
        } catch (const std::exception& ex) {
            spdlog::warn("VM {}: cannot read its libvirt state: {}", record.name, ex.what());
        }
    }
}

// --- operations -----------------------------------------------------------------------------------

VmRecord VmManager::create(std::string_view spec_yaml, CallerFiles files) {
    const std::string name = planner_.vm_name(spec_yaml, kSubmittedSpecSource);
    check_vm_name(name);

    auto e = std::make_shared<Entry>();
    std::unique_lock op(e->op);
    {
        std::lock_guard lock(map_mutex_);
        if (vms_.contains(name))
            throw DaemonError(ErrorCode::already_exists, "a VM named '" + name + "' already exists");
        vms_[name] = e;
    }
    VmPlan plan;
    try {
        // The caller's files are copied into the new VM directory before it exists; the plan points
        // at where they will be once it does.
        const std::filesystem::path staging = store_.begin_create(name);
        plan = planner_.plan(spec_yaml, kSubmittedSpecSource, {&files, staging / "inputs", store_.inputs_dir(name)});
        backend_.check_can_launch(plan.tee);
    } catch (...) {
        store_.abandon_create(name);
        std::lock_guard lock(map_mutex_);
        vms_.erase(name);
        throw;
    }
    VmRecord record;
    record.name = plan.name;
    record.tee = plan.tee;
    record.phase = Phase::creating;
    record.state = VmState::defined;
    record.expected_measurement = plan.expected.dump();
    record.init_data = plan.init_data;
    e->record = record;

    bool recorded = false;
    bool defined = false;
    try {
        store_.create(record, spec_yaml, plan.domain_xml);
        recorded = true;
        crash_.hit("create.recorded");
        backend_.define(plan.domain_xml);
        defined = true;
        crash_.hit("create.defined");
        record.phase = Phase::ready;
        store_.save(record);
        crash_.hit("create.committed");
    } catch (...) {
        try {
            if (defined) backend_.undefine(plan.name);
            if (recorded)
                store_.erase(plan.name);
            else
                store_.abandon_create(plan.name);
        } catch (const std::exception& ex) {
            spdlog::error("VM {}: rollback of a failed create: {}", plan.name, ex.what());
        }
        std::lock_guard lock(map_mutex_);
        vms_.erase(plan.name);
        throw;
    }
    {
        std::lock_guard lock(e->data);
        e->record = record;
    }
    spdlog::info("VM {}: created (tee {})", record.name, record.tee);
    if (observer_ != nullptr) observer_->vm_added(record);
    return record;
}

json::Value VmManager::measure(std::string_view spec_yaml, CallerFiles files) const {
    const ScratchDir scratch = store_.scratch_dir();
    const std::filesystem::path copies = scratch.path() / "inputs";
    VmPlan plan = planner_.plan(spec_yaml, kSubmittedSpecSource, {&files, copies, copies});
    json::Value result;
    result.set("name", plan.name);
    result.set("tee", plan.tee);
    result.set("expected", std::move(plan.expected));
    result.set("backend", flows_.backend_name());
    return result;
}

void VmManager::start(const std::string& name) {
    auto e = entry(name);
    std::lock_guard op(e->op);
    VmRecord record = snapshot(*e);
    if (record.phase != Phase::ready) throw DaemonError(ErrorCode::not_found, "no VM named '" + name + "'");
    if (record.state != VmState::defined && record.state != VmState::failed)
        throw DaemonError(ErrorCode::invalid_state,
                          "VM '" + name + "' is " + std::string(to_string(record.state)) + ", not stopped");
    if (active(backend_.state(name)))
        throw DaemonError(ErrorCode::invalid_state, "VM '" + name + "' is already running in libvirt");

    VmPlan plan = plan_of(name, true);
    // The launch is checked against what was measured when the VM was created, not against the
    // inputs as they are now: a changed firmware or kernel must show up as a mismatch.
    plan.expected = json::parse(record.expected_measurement, "expected measurement");
    std::vector<SecretEntry> secrets;
    for (const SecretRef& ref : plan.secrets) secrets.push_back({ref.guid, secret::read_secret_file(ref.file)});

    record.state = VmState::starting;
    record.state_reason.clear();
    update(*e, record);
    crash_.hit("start.recorded");
    LaunchOutcome outcome;
    try {
        outcome = flows_.for_tee(record.tee).launch(backend_, plan, std::move(secrets));
    } catch (const std::exception& ex) {
        try {
            if (active(backend_.state(name))) backend_.destroy(name);
        } catch (const std::exception& cleanup) {
            spdlog::error("VM {}: cannot destroy after a failed launch: {}", name, cleanup.what());
        }
        flows_.forget(name);
        record.state = VmState::failed;
        record.state_reason = std::string("launch failed: ") + ex.what();
        update(*e, record);
        throw;
    }
    crash_.hit("start.launched");
    record.state = outcome.state;
    record.state_reason = outcome.reason;
    record.launch_measurement = outcome.launch_measurement;
    record.attestation = outcome.attestation.is_null() ? std::string() : outcome.attestation.dump();
    update(*e, record);
    spdlog::info("VM {}: launch ended {} ({}){}", name, to_string(outcome.state), flows_.backend_name(),
                 outcome.reason.empty() ? "" : ": " + outcome.reason);
    if (outcome.state == VmState::failed) throw DaemonError(ErrorCode::measurement_mismatch, outcome.reason);
}

void VmManager::stop(const std::string& name, bool force) {
    auto e = entry(name);
    std::lock_guard op(e->op);
    VmRecord record = snapshot(*e);
    if (!active(backend_.state(name))) {
        throw DaemonError(ErrorCode::invalid_state, "VM '" + name + "' is not running");
    }
    if (force) {
        backend_.destroy(name);
        flows_.forget(name);
        record.state = VmState::defined;
        record.state_reason = "stopped (forced)";
        update(*e, record);
        return;
    }
    backend_.shutdown(name);
    record.state = VmState::stopping;
    record.state_reason = "shutdown requested";
    update(*e, record);
    const auto deadline = std::chrono::steady_clock::now() + kShutdownWait;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!active(backend_.state(name))) {
            flows_.forget(name);
            record.state = VmState::defined;
            record.state_reason = "stopped";
            update(*e, record);
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

void VmManager::destroy(const std::string& name) {
    auto e = entry(name);
    std::lock_guard op(e->op);
    VmRecord record = snapshot(*e);
    if (!active(backend_.state(name))) throw DaemonError(ErrorCode::invalid_state, "VM '" + name + "' is not running");
    backend_.destroy(name);
    flows_.forget(name);
    record.state = VmState::defined;
    record.state_reason = "destroyed";
    update(*e, record);
}

void VmManager::remove(const std::string& name) {
    auto e = entry(name);
    std::lock_guard op(e->op);
    VmRecord record = snapshot(*e);
    const DomainState dstate = backend_.state(name);
    if (active(dstate))
        throw DaemonError(ErrorCode::invalid_state, "VM '" + name + "' is running; stop or destroy it first");
    record.phase = Phase::removing;
    store_.save(record);
    crash_.hit("remove.recorded");
    if (dstate != DomainState::absent) backend_.undefine(name);
    crash_.hit("remove.undefined");
    store_.erase(name);
    flows_.forget(name);
    {
        std::lock_guard lock(map_mutex_);
        vms_.erase(name);
    }
    spdlog::info("VM {}: removed", name);
    if (observer_ != nullptr) observer_->vm_removed(name);
}

json::Value VmManager::attest(const std::string& name, std::optional<ByteSpan> evidence) {
    auto e = entry(name);
    std::lock_guard op(e->op);
    const VmRecord record = snapshot(*e);
    if (evidence && evidence_verifier_ == nullptr)
        throw DaemonError(ErrorCode::not_supported, "this ccvmd verifies no guest evidence");
    json::Value result;
    result.set("name", record.name);
    result.set("tee", record.tee);
    result.set("state", std::string(to_string(record.state)));
    result.set("backend", flows_.backend_name());
    if (!record.attestation.empty()) {
        const json::Value last = json::parse(record.attestation, "attestation record");
        for (const auto& [key, value] : last.as_object())
            if (key != "backend") result.set(key, value);
    } else {
        result.set("verdict", "none");
        result.set("reason", "the VM has not been launched yet");
    }
    result.set("expected", json::parse(record.expected_measurement, "expected measurement"));
    result.set("launch_measurement", record.launch_measurement);
    if (evidence) {
        // Against the registers recorded at create, like the launch check: changed inputs must show.
        const json::Value verdict = evidence_verifier_->verify(plan_of(name), result.at("expected"), *evidence);
        for (const auto& [key, value] : verdict.as_object()) result.set(key, value);
        spdlog::info("VM {}: evidence {}", name, verdict.at("verdict").as_string());
    }
    return result;
}

void VmManager::inject_secret(const std::string& name, std::string guid, secret::SecretBytes secret) {
    auto e = entry(name);
    std::lock_guard op(e->op);
    VmRecord record = snapshot(*e);
    if (record.state != VmState::paused)
        throw DaemonError(ErrorCode::invalid_state, "VM '" + name + "' is " + std::string(to_string(record.state)) +
                                                        "; secrets go into a VM paused after a verified launch");
    VmPlan plan = plan_of(name);
    plan.expected = json::parse(record.expected_measurement, "expected measurement");
    std::vector<SecretEntry> secrets;
    secrets.push_back({std::move(guid), std::move(secret)});
    const LaunchOutcome outcome = flows_.for_tee(record.tee).inject(backend_, plan, std::move(secrets));
    record.state = outcome.state;
    record.state_reason = outcome.reason;
    if (!outcome.attestation.is_null()) record.attestation = outcome.attestation.dump();
    update(*e, record);
    spdlog::info("VM {}: secret injected, {}", name, to_string(outcome.state));
}

std::vector<VmRecord> VmManager::list() const {
    std::vector<std::shared_ptr<Entry>> entries;
    {
        std::lock_guard lock(map_mutex_);
        for (const auto& [name, e] : vms_) entries.push_back(e);
    }
    std::vector<VmRecord> out;
    for (const auto& e : entries) {
        VmRecord r = snapshot(*e);
        if (r.phase == Phase::ready) out.push_back(std::move(r));
    }
    return out;
}

std::optional<VmRecord> VmManager::find(const std::string& name) const {
    std::shared_ptr<Entry> e;
    {
        std::lock_guard lock(map_mutex_);
        const auto it = vms_.find(name);
        if (it == vms_.end()) return std::nullopt;
        e = it->second;
    }
    VmRecord r = snapshot(*e);
    if (r.phase != Phase::ready) return std::nullopt;
    return r;
}

}  // namespace ccvm::daemon
