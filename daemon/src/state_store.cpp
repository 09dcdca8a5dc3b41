#include "ccvm/daemon/state_store.hpp"

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>
#include <system_error>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/daemon/atomic_file.hpp"
#include "ccvm/daemon/errors.hpp"

namespace fs = std::filesystem;

namespace ccvm::daemon {

namespace {

constexpr const char* kSpecFile = "spec.yaml";
constexpr const char* kDomainFile = "domain.xml";
constexpr const char* kStateFile = "state.json";
// Prefixes of directories that are not (yet, or any more) VMs: see create() and erase().
constexpr std::string_view kStagingPrefix = ".new-";
constexpr std::string_view kTrashPrefix = ".old-";
// write_file_atomic's temporary files: ".<name>.tmp" next to the file.
constexpr std::string_view kTempSuffix = ".tmp";
constexpr std::string_view kWhySuffix = ".why";

// Deletes the temporary files of writes interrupted by a crash (".state.json.tmp", ".session.b64.tmp").
void remove_temp_files(const fs::path& vm_dir) {
    std::error_code ec;
    for (const auto& item : fs::directory_iterator(vm_dir, ec)) {
        const std::string file = item.path().filename().string();
        if (file.starts_with('.') && file.ends_with(kTempSuffix)) {
            fs::remove(item.path(), ec);
            spdlog::info("state: removed {}, left by an interrupted write", item.path().string());
        }
    }
}
constexpr std::string_view kScratchPrefix = ".tmp-";  // Measure's copies of a caller's inputs

void write_new_file(const fs::path& path, std::string_view content) { write_file_atomic(path, content, 0600); }

}  // namespace

StateStore::StateStore(fs::path state_dir) : vms_(state_dir / "vms"), quarantine_(state_dir / "quarantine") {
    std::error_code ec;
    fs::create_directories(vms_, ec);
    if (ec) throw SystemError("cannot create state directory " + vms_.string() + ": " + ec.message());
    fs::permissions(vms_.parent_path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, ec);
}

fs::path StateStore::begin_create(const std::string& name) {
    const fs::path staging = vms_ / (std::string(kStagingPrefix) + name);
    std::error_code ec;
    fs::remove_all(staging, ec);
    if (!fs::create_directory(staging, ec) || ec)
        throw SystemError("cannot create " + staging.string() + ": " + ec.message());
    fs::permissions(staging, fs::perms::owner_all, ec);
    return staging;
}

void StateStore::abandon_create(const std::string& name) {
    std::error_code ec;
    fs::remove_all(vms_ / (std::string(kStagingPrefix) + name), ec);
}

void StateStore::create(const VmRecord& record, std::string_view spec_yaml, std::string_view domain_xml) {
    const fs::path final_dir = dir(record.name);
    if (fs::exists(final_dir))
        throw DaemonError(ErrorCode::already_exists, "a VM named '" + record.name + "' already exists");
    fs::path staging = vms_ / (std::string(kStagingPrefix) + record.name);
    if (!fs::is_directory(staging)) staging = begin_create(record.name);
    write_new_file(staging / kSpecFile, spec_yaml);
    write_new_file(staging / kDomainFile, domain_xml);
    write_new_file(staging / kStateFile, record_to_json(record));
    if (std::rename(staging.c_str(), final_dir.c_str()) != 0)
        throw SystemError("cannot rename " + staging.string() + " to " + final_dir.string());
    fsync_directory(vms_);
}

ScratchDir StateStore::scratch_dir() {
    std::string pattern = (vms_ / (std::string(kScratchPrefix) + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw SystemError("cannot create a scratch directory in " + vms_.string() + ": " + std::strerror(errno));
    return ScratchDir(pattern);
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
}

void StateStore::save(const VmRecord& record) { write_new_file(dir(record.name) / kStateFile, record_to_json(record)); }

void StateStore::save_domain_xml(const std::string& name, std::string_view domain_xml) {
    write_new_file(dir(name) / kDomainFile, domain_xml);
}

void StateStore::erase(const std::string& name) {
    const fs::path trash = vms_ / (std::string(kTrashPrefix) + name);
    std::error_code ec;
    fs::remove_all(trash, ec);
    if (std::rename(dir(name).c_str(), trash.c_str()) != 0)
        throw SystemError("cannot move aside " + dir(name).string());
    fsync_directory(vms_);
    fs::remove_all(trash, ec);
}

VmRecord StateStore::load(const std::string& name) const {
    const fs::path path = dir(name) / kStateFile;
    return record_from_json(read_text_file(path), path.string());
}

std::string StateStore::spec_yaml(const std::string& name) const { return read_text_file(dir(name) / kSpecFile); }

std::string StateStore::domain_xml(const std::string& name) const { return read_text_file(dir(name) / kDomainFile); }

std::vector<std::string> StateStore::recover_names() {
    std::vector<std::string> names;
    std::vector<std::pair<std::string, std::string>> broken;
    for (const auto& item : fs::directory_iterator(vms_)) {
        const std::string file = item.path().filename().string();
        if (file.starts_with(kStagingPrefix) || file.starts_with(kTrashPrefix) || file.starts_with(kScratchPrefix)) {
            // An interrupted create (nothing was defined yet) or erase (already undefined).
            std::error_code ec;
            fs::remove_all(item.path(), ec);
            continue;
        }
        std::error_code ec;
        if (!item.is_directory(ec) || item.is_symlink(ec)) {
            broken.emplace_back(file, "not a VM directory");
        } else if (!fs::is_regular_file(item.path() / kStateFile, ec)) {
            broken.emplace_back(file, "no state.json");
        } else {
            remove_temp_files(item.path());
            names.push_back(file);
        }
    }
    for (const auto& [file, why] : broken) quarantine(file, why);
    fsync_directory(vms_);
    return names;
}

void StateStore::quarantine(const std::string& entry, const std::string& reason) {
    std::error_code ec;
    fs::create_directories(quarantine_, ec);
    if (ec) throw SystemError("cannot create " + quarantine_.string() + ": " + ec.message());
    fs::permissions(quarantine_, fs::perms::owner_all, ec);
    // A fresh name: an entry quarantined at an earlier start keeps its own.
    const auto stamp =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    fs::path target = quarantine_ / (entry + "." + std::to_string(stamp));
    for (int i = 1; fs::exists(fs::symlink_status(target, ec)); ++i)
        target = quarantine_ / (entry + "." + std::to_string(stamp) + "-" + std::to_string(i));
    write_file_atomic(target.string() + std::string(kWhySuffix), reason + "\n", 0600);
    if (std::rename((vms_ / entry).c_str(), target.c_str()) != 0)
        throw SystemError("cannot move " + (vms_ / entry).string() + " to " + target.string());
    fsync_directory(vms_);
    fsync_directory(quarantine_);
    spdlog::error("state: quarantined {} as {}: {}", echo_input((vms_ / entry).string()), target.string(), reason);
}

std::vector<StateStore::Quarantined> StateStore::list_quarantined() const {
    std::vector<Quarantined> out;
    std::error_code ec;
    for (const auto& item : fs::directory_iterator(quarantine_, ec)) {
        const std::string file = item.path().filename().string();
        if (file.ends_with(kWhySuffix) || file.starts_with('.')) continue;
        std::string reason;
        try {
            reason = read_text_file(item.path().string() + std::string(kWhySuffix));
            while (!reason.empty() && reason.back() == '\n') reason.pop_back();
        } catch (const Error&) {
            reason = "reason not recorded";
        }
        out.push_back({file, reason});
    }
    std::sort(out.begin(), out.end(), [](const Quarantined& a, const Quarantined& b) { return a.entry < b.entry; });
    return out;
}

std::string record_to_json(const VmRecord& r) {
    json::Value v;
    v.set("name", r.name);
    v.set("tee", r.tee);
    v.set("phase", std::string(to_string(r.phase)));
    v.set("state", std::string(to_string(r.state)));
    v.set("state_reason", r.state_reason);
    v.set("expected_measurement", r.expected_measurement);
    v.set("launch_measurement", r.launch_measurement);
    v.set("attestation", r.attestation);
    if (!r.init_data.empty()) v.set("init_data", r.init_data);
    return v.dump(true) + "\n";
}

VmRecord record_from_json(std::string_view text, std::string_view source) {
    static const std::set<std::string, std::less<>> kFields = {
        "name",        "tee",      "phase", "state", "state_reason", "expected_measurement", "launch_measurement",
        "attestation", "init_data"};
    const json::Value v = json::parse(text, source);
    for (const auto& [key, value] : v.as_object(source)) {
        if (!kFields.contains(key)) throw InputError(std::string(source) + ": unknown field '" + echo_input(key) + "'");
        if (!value.is_string()) throw InputError(std::string(source) + ": field '" + key + "' is not a string");
    }
    const auto str = [&](std::string_view key) {
        const json::Value* member = v.find(key);
        if (member == nullptr) throw InputError(std::string(source) + ": field '" + std::string(key) + "' is missing");
        return member->as_string(key);
    };
    VmRecord r;
    r.name = str("name");
    r.tee = str("tee");
    r.phase = phase_from_string(str("phase"));
    r.state = vm_state_from_string(str("state"));
    r.state_reason = str("state_reason");
    r.expected_measurement = str("expected_measurement");
    r.launch_measurement = str("launch_measurement");
    r.attestation = str("attestation");
    // Records written before initdata existed have none.
    if (v.find("init_data") != nullptr) r.init_data = str("init_data");
    return r;
}

}  // namespace ccvm::daemon
