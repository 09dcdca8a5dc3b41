// The ccvm command table: every subcommand registers itself here with its runner.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace ccvm::cli {

// A runner returns the process exit code (0 ok, 1 mismatch); errors are thrown as ccvm::Error.
using Runner = std::function<int()>;

class Commands {
public:
    // Runs `runner` when `sub` (or none of its own subcommands) was selected on the command line.
    void add(CLI::App* sub, Runner runner) { entries_.push_back({sub, std::move(runner)}); }
    // Finds the deepest parsed command with a runner and runs it; returns -1 when none was selected.
    int run_selected() const;

private:
    struct Entry {
        CLI::App* app;
        Runner runner;
    };
    std::vector<Entry> entries_;
};

// Returns the subcommand `name` of `parent`, creating it (with `description`) the first time, so
// several files can hang their verbs under one noun (`attest verify-launch`, `attest verify-report`).
CLI::App* ensure_subcommand(CLI::App& parent, const std::string& name, const std::string& description);

// Each command file provides one of these; main.cpp calls them in order.
void add_measure_command(CLI::App& app, Commands& commands);
void add_measure_diff_command(CLI::App& app, Commands& commands);
void add_verify_report_command(CLI::App& app, Commands& commands);
void add_eventlog_command(CLI::App& app, Commands& commands);
void add_acpi_command(CLI::App& app, Commands& commands);
void add_verify_launch_command(CLI::App& app, Commands& commands);
void add_session_command(CLI::App& app, Commands& commands);
void add_secret_build_command(CLI::App& app, Commands& commands);
void add_snp_id_block_command(CLI::App& app, Commands& commands);
void add_spec_command(CLI::App& app, Commands& commands);
void add_vm_commands(CLI::App& app, Commands& commands);
void add_guest_get_resource_command(CLI::App& app, Commands& commands);
void add_export_command(CLI::App& app, Commands& commands);

}  // namespace ccvm::cli
