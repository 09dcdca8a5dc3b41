#include "mode_flags.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::cli {
namespace {

// "--dtb" for a flag, the bare name for a positional.
std::string option_name(const CLI::Option& opt) {
    if (!opt.get_lnames().empty()) return "--" + opt.get_lnames().front();
    return opt.get_name(true);
}

bool is_help(const CLI::App& cmd, const CLI::Option* opt) {
    return opt == cmd.get_help_ptr() || opt == cmd.get_help_all_ptr();
}

bool contains(const std::vector<std::string_view>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

const ModeFlags* find_mode(const ModeFlagTable& table, std::string_view mode) {
    for (const ModeFlags& m : table.modes)
        if (contains(m.modes, mode)) return &m;
    return nullptr;
}

// "--mode cca", "--mode snp, snp:svsm": the modes that take `flag`.
std::string modes_taking(const ModeFlagTable& table, std::string_view flag) {
    std::string out;
    for (const ModeFlags& m : table.modes)
        if (contains(m.flags, flag))
            for (std::string_view mode : m.modes) out += (out.empty() ? "--mode " : ", ") + std::string(mode);
    return out;
}

std::string refusal(const ModeFlagTable& table, std::string_view mode, const std::string& flag) {
    std::string msg = flag + " is not a flag of " + std::string(table.command) + " --mode " + std::string(mode);
    for (const FlagHint& h : table.hints)
        if (h.mode == mode && h.flag == flag) return msg + ": " + std::string(h.hint);
    const std::string owners = modes_taking(table, flag);
    return owners.empty() ? msg : msg + " (it belongs to " + owners + ")";
}

}  // namespace

void check_mode_flag_table(const CLI::App& cmd, const ModeFlagTable& table) {
    std::vector<std::string> options;
    for (const CLI::Option* opt : cmd.get_options())
        if (!is_help(cmd, opt)) options.push_back(option_name(*opt));
    auto known = [&](std::string_view name) {
        return std::find(options.begin(), options.end(), name) != options.end();
    };
    auto listed = [&](std::string_view name) {
        if (contains(table.common, name)) return true;
        return std::any_of(table.modes.begin(), table.modes.end(),
                           [&](const ModeFlags& m) { return contains(m.flags, name); });
    };
    for (const std::string& name : options)
        if (!listed(name))
            throw std::logic_error(std::string(table.command) + ": " + name + " is in no mode's flag table");
    for (std::string_view name : table.common)
        if (!known(name))
            throw std::logic_error(std::string(table.command) + ": flag table names unknown " + std::string(name));
    for (const ModeFlags& m : table.modes)
        for (std::string_view name : m.flags)
            if (!known(name))
                throw std::logic_error(std::string(table.command) + ": flag table names unknown " + std::string(name));
}

void refuse_foreign_flags(const CLI::App& cmd, std::string_view mode, const ModeFlagTable& table) {
    const ModeFlags* allowed = find_mode(table, mode);
    if (allowed == nullptr) return;
    for (const CLI::Option* opt : cmd.get_options()) {
        if (opt->count() == 0 || is_help(cmd, opt)) continue;
        const std::string name = option_name(*opt);
        if (!contains(table.common, name) && !contains(allowed->flags, name))
            throw InputError(refusal(table, mode, name));
    }
}

}  // namespace ccvm::cli
