// The state directory: <state_dir>/vms/<name>/{spec.yaml,domain.xml,state.json} (ccvmd(8) FILES),
// inputs/ there (ccvmd's copies of the files the spec names: firmware, kernel, secrets...), and
// <state_dir>/quarantine/ for entries ccvmd could not take as VMs.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "ccvm/daemon/vm_record.hpp"

namespace ccvm::daemon {

// A directory removed with everything in it when this goes out of scope.
class ScratchDir {
public:
    explicit ScratchDir(std::filesystem::path path) : path_(std::move(path)) {}
    ScratchDir(ScratchDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
    ScratchDir& operator=(ScratchDir&&) = delete;
    ~ScratchDir();
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

class StateStore {
public:
    // Creates <state_dir>/vms when missing.
    explicit StateStore(std::filesystem::path state_dir);

    // Writes a new VM directory (spec, domain XML, record) through a temporary directory renamed into
    // place, so a VM directory is either complete or absent.
    void create(const VmRecord& record, std::string_view spec_yaml, std::string_view domain_xml);
    // The (fresh, private) temporary directory of a create of `name`, where files the VM directory
    // will hold (the input copies) are written before create() completes and renames it into place.
    std::filesystem::path begin_create(const std::string& name);
    // Removes what begin_create started, after a create failed before create() ran.
    void abandon_create(const std::string& name);
    // A private temporary directory in the state directory (removed at start-up if left behind).
    ScratchDir scratch_dir();
    // Where the input copies of VM `name` are once created.
    std::filesystem::path inputs_dir(const std::string& name) const { return dir(name) / "inputs"; }
    // Atomically replaces the record of an existing VM.
    void save(const VmRecord& record);
    // Removes the VM directory: renamed aside first, so a crash leaves it either whole or gone.
    void erase(const std::string& name);

    VmRecord load(const std::string& name) const;
    std::string spec_yaml(const std::string& name) const;
    std::string domain_xml(const std::string& name) const;
    void save_domain_xml(const std::string& name, std::string_view domain_xml);
    // Names of complete VM directories. Leftovers of interrupted creates/erases and the temporary
    // files of interrupted writes (".<file>.tmp") are deleted; entries that cannot be a VM (not a
    // directory, no state.json) are quarantined.
    std::vector<std::string> recover_names();

    struct Quarantined {
        std::string entry;   // name under quarantine/
        std::string reason;  // why it was moved there
    };
    // Moves <state_dir>/vms/<entry> to <state_dir>/quarantine/ (under a fresh name when taken) with
    // a ".why" file holding `reason`, and logs it. The daemon goes on without it.
    void quarantine(const std::string& entry, const std::string& reason);
    std::vector<Quarantined> list_quarantined() const;

    const std::filesystem::path& root() const noexcept { return vms_; }

private:
    std::filesystem::path dir(const std::string& name) const { return vms_ / name; }
    std::filesystem::path vms_;
    std::filesystem::path quarantine_;
};

// JSON text of a record and back (the state.json file). Reading is strict: unknown or missing fields,
// wrong types and unknown phases or states are InputErrors naming `source`.
std::string record_to_json(const VmRecord& record);
VmRecord record_from_json(std::string_view text, std::string_view source);

}  // namespace ccvm::daemon
