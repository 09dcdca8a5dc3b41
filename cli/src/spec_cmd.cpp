// `ccvm spec validate FILE` and `ccvm spec render FILE`: offline checks and the domain XML of a spec.
#include <iostream>
#include <memory>

#include "ccvm/platform/domain_xml.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "commands.hpp"

namespace ccvm::cli {
namespace {

struct SpecArgs {
    std::string file;
    bool no_files = false;
};

int run_validate(const SpecArgs& args) {
    platform::VmSpec spec = platform::load_vm_spec(args.file);
    if (!args.no_files) platform::check_spec_inputs(spec);
    // Rendering reads the family's blobs (certificates, ID block), so it is part of validation.
    if (!args.no_files) static_cast<void>(platform::render_domain_xml(spec));
    std::cout << args.file << ": ok (" << spec.name << ", tee " << platform::tee_name(spec.tee) << ")\n";
    return 0;
}

int run_render(const SpecArgs& args) {
    platform::VmSpec spec = platform::load_vm_spec(args.file);
    std::cout << platform::render_domain_xml(spec);
    return 0;
}

}  // namespace

void add_spec_command(CLI::App& app, Commands& commands) {
    CLI::App* spec = ensure_subcommand(app, "spec", "Check VM specs and render their libvirt domain XML");

    auto validate_args = std::make_shared<SpecArgs>();
    CLI::App* validate = spec->add_subcommand("validate", "Check a VM spec and the files it names");
    validate->add_option("file", validate_args->file, "VM spec (YAML)")->required();
    validate->add_flag("--no-files", validate_args->no_files, "Check the YAML only, not the files it names");
    commands.add(validate, [validate_args] { return run_validate(*validate_args); });

    auto render_args = std::make_shared<SpecArgs>();
    CLI::App* render = spec->add_subcommand("render", "Print the libvirt domain XML of a VM spec");
    render->add_option("file", render_args->file, "VM spec (YAML)")->required();
    commands.add(render, [render_args] { return run_render(*render_args); });
}

}  // namespace ccvm::cli
