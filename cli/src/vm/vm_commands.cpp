// The VM commands: create, list, status, start, stop, destroy, remove, attest NAME, inject. Their
// options are registered here so `ccvm --help` and parse errors need nothing else; running one
// hands the parsed arguments to the VM client module, which makes the D-Bus call to ccvmd.

#include <memory>
#include <optional>
#include <string>

#include "ccvm/base/error.hpp"
#include "commands.hpp"
#include "vm/vm_module.hpp"
#include "vm/vm_request.hpp"

namespace ccvm::cli {
namespace {

struct VmArgs {
    std::string spec, name, guid, file;
    std::optional<std::string> attest_name, evidence;
    bool json = false, force = false, all = false;
};

const char* optional_c_str(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }

int run(ccvm_vm_command command, const VmArgs& a) {
    // A usage error is answered here, without loading the module (or needing it installed).
    if (command == CCVM_VM_ATTEST && !a.attest_name)
        throw InputError("attest: give a VM NAME, or a subcommand (verify-report, ...)");
    ccvm_vm_request request{};
    request.abi = kVmRequestAbi;
    request.command = command;
    request.spec = a.spec.c_str();
    request.name = command == CCVM_VM_ATTEST ? optional_c_str(a.attest_name) : a.name.c_str();
    request.guid = a.guid.c_str();
    request.file = a.file.c_str();
    request.evidence = optional_c_str(a.evidence);
    request.json = a.json;
    request.force = a.force;
    request.all = a.all;
    return run_vm_client(request);
}

}  // namespace

void add_vm_commands(CLI::App& app, Commands& commands) {
    auto a = std::make_shared<VmArgs>();
    auto add = [&](CLI::App* sub, ccvm_vm_command command) {
        commands.add(sub, [a, command] { return run(command, *a); });
    };

    CLI::App* create = app.add_subcommand("create", "Define a VM from a spec through ccvmd");
    create->add_option("SPEC", a->spec, "VM spec (YAML; - for stdin); paths in it must be absolute")->required();
    add(create, CCVM_VM_CREATE);

    CLI::App* list = app.add_subcommand("list", "List the VMs ccvmd knows");
    list->add_flag("--json", a->json, "Print JSON");
    list->add_flag("--all", a->all, "Also show state entries ccvmd quarantined (broken or conflicting records)");
    add(list, CCVM_VM_LIST);

    CLI::App* status = app.add_subcommand("status", "Show a VM's state, measurements and attestation");
    status->add_option("NAME", a->name, "VM name")->required();
    status->add_flag("--json", a->json, "Print JSON");
    add(status, CCVM_VM_STATUS);

    CLI::App* start = app.add_subcommand("start", "Launch a VM (pre-attested families check the measurement first)");
    start->add_option("NAME", a->name, "VM name")->required();
    add(start, CCVM_VM_START);

    CLI::App* stop = app.add_subcommand("stop", "Shut a VM down");
    stop->add_option("NAME", a->name, "VM name")->required();
    stop->add_flag("--force", a->force, "Power it off at once");
    add(stop, CCVM_VM_STOP);

    CLI::App* destroy = app.add_subcommand("destroy", "Power a VM off at once");
    destroy->add_option("NAME", a->name, "VM name")->required();
    add(destroy, CCVM_VM_DESTROY);

    CLI::App* remove = app.add_subcommand("remove", "Undefine a stopped VM and delete its state");
    remove->add_option("NAME", a->name, "VM name")->required();
    add(remove, CCVM_VM_REMOVE);

    CLI::App* attest = ensure_subcommand(app, "attest", "Check launch measurements and attestation evidence");
    attest->add_option("NAME", a->attest_name, "VM whose launch attestation to show");
    attest->add_option("--evidence", a->evidence, "Guest evidence (report, quote or token) to verify");
    attest->add_flag("--json", a->json, "Print JSON");
    add(attest, CCVM_VM_ATTEST);

    CLI::App* inject = app.add_subcommand("inject", "Inject a secret into a VM paused after a verified launch");
    inject->add_option("NAME", a->name, "VM name")->required();
    inject->add_option("--guid", a->guid, "Secret table GUID")->required();
    inject->add_option("--file", a->file, "Secret file (mode 0600; passed as a descriptor)")->required();
    add(inject, CCVM_VM_INJECT);
}

}  // namespace ccvm::cli
