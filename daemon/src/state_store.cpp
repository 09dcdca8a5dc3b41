#include "ccvm/daemon/state_store.hpp"

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <set>
#include <system_error>

#include "ccvm/base/atomic_file.hpp"
#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/base/system_error.hpp"
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
constexpr std::string_view kWhySuffix = ".why";

// Deletes the temporary files of writes interrupted by a crash (AtomicFile's ".state.json.<random>.tmp").
void remove_temp_files(const fs::path& vm_dir) {
    std::error_code ec;
    for (const auto& item : fs::directory_iterator(vm_dir, ec)) {
        const std::string file = item.path().filename().string();
        if (is_atomic_temp_name(file)) {
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
    if (::mkdtemp(pattern.data()) == nullptr) throw_errno("cannot create a scratch directory in " + vms_.string());
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

namespace {

// {"registers": {name: hex}, "not_computed": {name: why}}
json::Value registers_to_json(const Registers& regs) {
    json::Value values = json::Value::object();
    for (const auto& [name, value] : regs.values) values[name] = to_hex(value);
    json::Value missing = json::Value::object();
    for (const auto& [name, why] : regs.not_computed) missing[name] = why;
    json::Value out = json::Value::object();
    out["registers"] = std::move(values);
    out["not_computed"] = std::move(missing);
    return out;
}

json::Value attestation_to_json(const std::optional<LaunchAttestation>& a) {
    if (!a) return json::Value();
    json::Value out = json::Value::object();
    out["verdict"] = std::string(to_string(a->verdict));
    out["reason"] = a->reason;
    out["backend"] = a->backend;
    if (a->platform) {
        out["api_major"] = a->platform->api_major;
        out["api_minor"] = a->platform->api_minor;
        out["build"] = a->platform->build;
        out["policy"] = a->platform->policy;
    }
    return out;
}

// Reads one record; every member is checked against its expected fields and types.
class RecordReader {
public:
    explicit RecordReader(std::string_view source) : source_(source) {}

    [[noreturn]] void fail(const std::string& what) const { throw InputError(source_ + ": " + what); }

    const json::Value& member(const json::Value& object, std::string_view key, const std::string& where) const {
        const json::Value* v = json::find(object, key);
        if (v == nullptr) fail("field '" + where + std::string(key) + "' is missing");
        return *v;
    }

    // The object's members, refusing keys outside `fields` (when given).
    const json::Value::object_t& object(const json::Value& v, const std::string& name,
                                        std::initializer_list<std::string_view> fields = {}) const {
        if (!v.is_object()) fail("field '" + name + "' is not an object");
        for (const auto& [key, value] : json::get_object(v)) {
            (void)value;
            if (fields.size() != 0 && std::find(fields.begin(), fields.end(), key) == fields.end())
                fail("unknown field '" + (name.empty() ? "" : name + ".") + echo_input(key) + "'");
        }
        return json::get_object(v);
    }

    const std::string& string(const json::Value& v, const std::string& name) const {
        if (!v.is_string()) fail("field '" + name + "' is not a string");
        return json::get_string(v);
    }

    std::uint32_t u32(const json::Value& v, const std::string& name) const {
        if (!v.is_number()) fail("field '" + name + "' is not a number");
        const std::uint64_t n = json::get_u64(v, name);
        if (n > 0xFFFFFFFFu) fail("field '" + name + "' is larger than 32 bits");
        return static_cast<std::uint32_t>(n);
    }

    Bytes hex(const json::Value& v, const std::string& name) const {
        return from_hex(string(v, name), source_ + ": field '" + name + "'");
    }

    Registers registers(const json::Value& v) const {
        const std::string name = "expected_measurement";
        object(v, name, {"registers", "not_computed"});
        Registers out;
        for (const auto& [reg, value] : object(member(v, "registers", name + "."), name + ".registers"))
            out.values.emplace(reg, hex(value, name + ".registers." + reg));
        for (const auto& [reg, why] : object(member(v, "not_computed", name + "."), name + ".not_computed"))
            out.not_computed.emplace(reg, string(why, name + ".not_computed." + reg));
        return out;
    }

    std::optional<LaunchAttestation> attestation(const json::Value& v) const {
        if (v.is_null()) return std::nullopt;
        const std::string name = "attestation";
        object(v, name, {"verdict", "reason", "backend", "api_major", "api_minor", "build", "policy"});
        LaunchAttestation a;
        a.verdict = launch_verdict_from_string(string(member(v, "verdict", name + "."), name + ".verdict"));
        a.reason = string(member(v, "reason", name + "."), name + ".reason");
        a.backend = string(member(v, "backend", name + "."), name + ".backend");
        if (json::find(v, "api_major") != nullptr) {
            LaunchPlatform p;
            p.api_major = u32(member(v, "api_major", name + "."), name + ".api_major");
            p.api_minor = u32(member(v, "api_minor", name + "."), name + ".api_minor");
            p.build = u32(member(v, "build", name + "."), name + ".build");
            p.policy = u32(member(v, "policy", name + "."), name + ".policy");
            a.platform = p;
        }
        return a;
    }

private:
    std::string source_;
};

}  // namespace

std::string record_to_json(const VmRecord& r) {
    json::Value v;
    v["name"] = r.name;
    v["tee"] = std::string(platform::tee_name(r.tee));
    v["phase"] = std::string(to_string(r.phase));
    v["state"] = std::string(to_string(r.state));
    v["state_reason"] = r.state_reason;
    v["expected_measurement"] = registers_to_json(r.expected);
    v["launch_measurement"] = to_hex(r.launch_measurement);
    v["attestation"] = attestation_to_json(r.attestation);
    if (!r.init_data.empty()) v["init_data"] = to_hex(r.init_data);
    return json::dump(v, true) + "\n";
}

VmRecord record_from_json(std::string_view text, std::string_view source) {
    const RecordReader read(source);
    const json::Value v = json::parse(text, source);
    read.object(v, "",
                {"name", "tee", "phase", "state", "state_reason", "expected_measurement", "launch_measurement",
                 "attestation", "init_data"});
    const auto str = [&](std::string_view key) { return read.string(read.member(v, key, ""), std::string(key)); };
    VmRecord r;
    r.name = str("name");
    const std::optional<platform::TeeKind> tee = platform::tee_from_name(str("tee"));
    if (!tee) read.fail("unknown tee '" + echo_input(str("tee")) + "'");
    r.tee = *tee;
    r.phase = phase_from_string(str("phase"));
    r.state = vm_state_from_string(str("state"));
    r.state_reason = str("state_reason");
    r.expected = read.registers(read.member(v, "expected_measurement", ""));
    r.launch_measurement = read.hex(read.member(v, "launch_measurement", ""), "launch_measurement");
    r.attestation = read.attestation(read.member(v, "attestation", ""));
    // Records written before initdata existed have none.
    if (const json::Value* d = json::find(v, "init_data")) r.init_data = read.hex(*d, "init_data");
    return r;
}

}  // namespace ccvm::daemon
