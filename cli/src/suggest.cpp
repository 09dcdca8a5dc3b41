#include "suggest.hpp"

#include <algorithm>
#include <numeric>

namespace ccvm::cli {
namespace {

std::vector<std::string> subcommand_names(const CLI::App& app) {
    std::vector<std::string> out;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        out.push_back(sub->get_name());
    return out;
}

std::vector<std::string> flag_names(const CLI::App& app) {
    std::vector<std::string> out;
    for (const CLI::Option* opt : app.get_options())
        for (const std::string& l : opt->get_lnames()) out.push_back("--" + l);
    return out;
}

bool has_positionals(const CLI::App& app) {
    const auto opts = app.get_options([](const CLI::Option* o) { return o->get_positional(); });
    return !opts.empty();
}

const CLI::App* find_subcommand(const CLI::App& app, const std::string& name) {
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        if (sub->check_name(name)) return sub;
    return nullptr;
}

std::string with_suggestion(std::string msg, const std::optional<std::string>& best, const std::string& help) {
    return best ? msg + "; did you mean '" + *best + "'?" : msg + " (see " + help + " --help)";
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // d[i][j]: distance between the first i characters of a and the first j of b.
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

std::optional<std::string> closest_name(std::string_view typed, const std::vector<std::string>& known) {
    // Close enough: two edits, or a third of the name for long names; a prefix also counts
    // ("--vcpu" for "--vcpus").
    const std::size_t limit = std::max<std::size_t>(2, typed.size() / 3);
    std::optional<std::string> best;
    std::size_t best_distance = limit + 1;
    for (const std::string& name : known) {
        std::size_t dist = edit_distance(typed, name);
        if (typed.size() >= 4 && name.starts_with(typed)) dist = std::min<std::size_t>(dist, 1);
        if (dist < best_distance) {
            best = name;
            best_distance = dist;
        }
    }
    return best;
}

std::optional<std::string> explain_unknown_name(const CLI::App& app, const std::vector<std::string>& args) {
    const CLI::App* cur = &app;
    std::string path = app.get_name();  // "ccvm", then "ccvm attest", ...
    std::string command;                // "attest verify-report", for messages
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& t = args[i];
        if (t == "--") break;
        if (t.starts_with("--")) {
            const std::string name = t.substr(0, t.find('='));
            const CLI::Option* opt = cur->get_option_no_throw(name);
            if (opt == nullptr) {
                const std::string of = command.empty() ? "" : " of " + command;
                return with_suggestion("unknown flag '" + name + "'" + of, closest_name(name, flag_names(*cur)), path);
            }
            if (t.find('=') != std::string::npos || opt->get_items_expected_max() == 0) continue;
            // The flag's values: one, or (vector flags) every following word up to the next flag.
            const bool many = opt->get_items_expected_max() > 1;
            do {
                ++i;
            } while (many && i + 1 < args.size() && !args[i + 1].starts_with("-"));
            continue;
        }
        if (t.size() > 1 && t.front() == '-') continue;  // a short flag (-h)
        if (const CLI::App* sub = find_subcommand(*cur, t)) {
            cur = sub;
            path += " " + t;
            command += (command.empty() ? "" : " ") + t;
            continue;
        }
        // A word where only subcommands can stand, or (`attest NAME`) one so close to a subcommand
        // that it is more likely a slip than a value, given that parsing failed.
        std::optional<std::string> best = closest_name(t, subcommand_names(*cur));
        if ((!subcommand_names(*cur).empty() && !has_positionals(*cur)) || best) {
            const std::string typed = command.empty() ? t : command + " " + t;
            if (best && !command.empty()) best = command + " " + *best;
            return with_suggestion("unknown command '" + typed + "'", best, path);
        }
    }
    return std::nullopt;
}

}  // namespace ccvm::cli
