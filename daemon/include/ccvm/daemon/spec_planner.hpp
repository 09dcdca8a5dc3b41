// From a VM spec to everything the daemon needs to define, launch and check the VM. Implemented on
// the platform library (parse_vm_spec, render_domain_xml, measure_spec).
#pragma once

#include <any>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/base/json.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::daemon {

struct SecretRef {
    std::string guid;
    std::filesystem::path file;
};

struct VmPlan {
    std::string name;
    std::string tee;  // none, sev, sev-es, sev-snp, tdx, cca, csv, csv2, csv3
    std::string domain_xml;
    ccvm::json::Value expected;  // measure_spec(): the registers the launch must produce
    std::vector<SecretRef> secrets;
    std::string init_data;  // hex initdata binding (VmRecord::init_data), empty without initdata
    std::any native;        // the planner's own parsed spec, for the launch flows built on the same planner
};

// The files a caller opened for a spec (CreateVM, Measure), by the exact path text the spec uses.
// ccvmd reads a file a spec names only through these: never by path with its own rights.
using CallerFiles = std::map<std::string, secret::FileDescriptor>;

// Where a plan takes the files its spec names from.
struct PlanInputs {
    // A new spec: the caller's descriptors. Each file ccvmd reads is copied from them into
    // `copy_dir` and read there; disks and logs are checked against them. Null: the copies are
    // already in `copy_dir` (a VM created earlier).
    CallerFiles* caller_files = nullptr;
    std::filesystem::path copy_dir;
    // Where the copies will be when the VM runs: the domain XML and the launch point there.
    std::filesystem::path inputs_dir;
    // A launch of a VM created earlier: its disk and log paths must still name the files its
    // creator passed (DaemonError(invalid_state) otherwise).
    bool launching = false;
};

class SpecPlanner {
public:
    virtual ~SpecPlanner() = default;
    // The VM name a spec declares. Throws DaemonError(spec_invalid) like plan().
    virtual std::string vm_name(std::string_view spec_yaml, std::string_view source) const = 0;
    // Throws DaemonError(spec_invalid) with the parser's "source:line:col: ..." message, and
    // DaemonError(invalid_argument) "...: PATH: not accessible to the caller" for a file named by
    // the spec that `inputs.caller_files` does not hold (or holds without the access it needs).
    virtual VmPlan plan(std::string_view spec_yaml, std::string_view source, const PlanInputs& inputs) const = 0;
};

}  // namespace ccvm::daemon
