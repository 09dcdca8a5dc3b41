#include "ccvm/daemon/state_store.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "ccvm/daemon/atomic_file.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/json.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"

namespace fs = std::filesystem;

namespace ccvm::daemon {

namespace {

constexpr const char* kSpecFile = "spec.yaml";
constexpr const char* kDomainFile = "domain.xml";
constexpr const char* kStateFile = "state.json";
// Prefixes of directories that are not (yet, or any more) VMs: see create() and erase().
constexpr std::string_view kStagingPrefix = ".new-";
constexpr std::string_view kTrashPrefix = ".old-";
constexpr std::string_view kScratchPrefix = ".tmp-";  // Measure's copies of a caller's inputs

void write_new_file(const fs::path& path, std::string_view content) { write_file_atomic(path, content, 0600); }

}  // namespace

StateStore::StateStore(fs::path state_dir) : vms_(std::move(state_dir) / "vms") {
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
    for (const auto& item : fs::directory_iterator(vms_)) {
        const std::string file = item.path().filename().string();
        if (file.starts_with(kStagingPrefix) || file.starts_with(kTrashPrefix) || file.starts_with(kScratchPrefix)) {
            // An interrupted create (nothing was defined yet) or erase (already undefined).
            std::error_code ec;
            fs::remove_all(item.path(), ec);
            continue;
        }
        if (item.is_directory() && fs::exists(item.path() / kStateFile)) names.push_back(file);
    }
    fsync_directory(vms_);
    return names;
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
    return v.dump(true) + "\n";
}

VmRecord record_from_json(std::string_view text, std::string_view source) {
    const json::Value v = json::parse(text, source);
    const auto str = [&](std::string_view key) {
        const json::Value* member = v.find(key);
        return member == nullptr ? std::string() : member->as_string(key);
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
    return r;
}

}  // namespace ccvm::daemon
