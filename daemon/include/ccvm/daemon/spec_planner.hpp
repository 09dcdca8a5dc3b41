// From a VM spec to everything the daemon needs to define, launch and check the VM. Implemented on
// the platform library (parse_vm_spec, render_domain_xml, measure_spec).
#pragma once

#include <any>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ccvm/firmware-measure/json.hpp"

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
    std::any native;  // the planner's own parsed spec, for the launch flows built on the same planner
};

class SpecPlanner {
public:
    virtual ~SpecPlanner() = default;
    // Throws DaemonError(spec_invalid) with the parser's "source:line:col: ..." message.
    virtual VmPlan plan(std::string_view spec_yaml, std::string_view source) const = 0;
};

}  // namespace ccvm::daemon
