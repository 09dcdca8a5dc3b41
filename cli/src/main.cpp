// ccvm: command-line front end. Parses arguments, runs one command, maps errors to exit codes.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "commands.hpp"
#include "suggest.hpp"

namespace ccvm::cli {

int Commands::run_selected() const {
    const Entry* best = nullptr;
    int best_depth = -1;
    for (const Entry& e : entries_) {
        if (!e.app->parsed()) continue;
        int depth = 0;
        for (const CLI::App* p = e.app->get_parent(); p != nullptr; p = p->get_parent()) ++depth;
        if (depth > best_depth) {
            best = &e;
            best_depth = depth;
        }
    }
    return best == nullptr ? -1 : best->runner();
}

CLI::App* ensure_subcommand(CLI::App& parent, const std::string& name, const std::string& description) {
    for (CLI::App* existing : parent.get_subcommands({}))
        if (existing->get_name() == name) return existing;
    CLI::App* sub = parent.add_subcommand(name, description);
    sub->require_subcommand(0, 1);
    return sub;
}

}  // namespace ccvm::cli

int main(int argc, char** argv) {
    ccvm::init_openssl_without_config();
    CLI::App app{
        "ccvm: run confidential VMs (AMD SEV/SEV-ES/SEV-SNP, Intel TDX, Arm CCA, Hygon CSV)\n"
        "and know their launch measurements before they start.",
        "ccvm"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "ccvm 0.1.0");
    ccvm::cli::Commands commands;
    ccvm::cli::add_measure_command(app, commands);
    ccvm::cli::add_measure_diff_command(app, commands);
    ccvm::cli::add_verify_report_command(app, commands);
    ccvm::cli::add_eventlog_command(app, commands);
    ccvm::cli::add_acpi_command(app, commands);
    ccvm::cli::add_verify_launch_command(app, commands);
    ccvm::cli::add_session_command(app, commands);
    ccvm::cli::add_secret_build_command(app, commands);
    ccvm::cli::add_snp_id_block_command(app, commands);
    ccvm::cli::add_spec_command(app, commands);
    ccvm::cli::add_vm_commands(app, commands);
    ccvm::cli::add_guest_get_resource_command(app, commands);
    ccvm::cli::add_export_command(app, commands);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // A misspelt command or flag is named with its likely fix; other parse errors as CLI11 words them.
        const std::optional<std::string> unknown = ccvm::cli::explain_unknown_name(app, {argv + 1, argv + argc});
        std::cerr << "ccvm: error: " << unknown.value_or(e.what()) << "\n";
        return 2;
    }
    try {
        int rc = commands.run_selected();
        std::fflush(stdout);
        return rc < 0 ? 2 : rc;
    } catch (const ccvm::Error& e) {
        std::fflush(stdout);
        std::cerr << "ccvm: error: " << e.what() << "\n";
        return ccvm::exit_code(e.kind());
    } catch (const std::exception& e) {
        std::cerr << "ccvm: error: " << e.what() << "\n";
        return 3;
    }
}
