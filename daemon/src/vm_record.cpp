#include "ccvm/daemon/vm_record.hpp"

#include <array>
#include <utility>

#include "ccvm/base/error.hpp"

namespace ccvm::daemon {

namespace {

constexpr std::array<std::pair<Phase, std::string_view>, 3> kPhases{
    {{Phase::creating, "creating"}, {Phase::ready, "ready"}, {Phase::removing, "removing"}}};

constexpr std::array<std::pair<VmState, std::string_view>, 6> kStates{{{VmState::defined, "defined"},
                                                                       {VmState::starting, "starting"},
                                                                       {VmState::paused, "paused"},
                                                                       {VmState::running, "running"},
                                                                       {VmState::stopping, "stopping"},
                                                                       {VmState::failed, "failed"}}};

constexpr std::array<std::pair<LaunchVerdict, std::string_view>, 3> kVerdicts{
    {{LaunchVerdict::pending, "pending"}, {LaunchVerdict::ok, "ok"}, {LaunchVerdict::mismatch, "mismatch"}}};

template <typename E, std::size_t N>
E from_string(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text, const char* what) {
    for (const auto& [value, name] : table)
        if (name == text) return value;
    throw InputError(std::string("unknown ") + what + " '" + std::string(text) + "' in state record");
}

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "unknown";
}

}  // namespace

std::string_view to_string(Phase phase) { return name_of(kPhases, phase); }
Phase phase_from_string(std::string_view text) { return from_string(kPhases, text, "phase"); }
std::string_view to_string(VmState state) { return name_of(kStates, state); }
VmState vm_state_from_string(std::string_view text) { return from_string(kStates, text, "state"); }
std::string_view to_string(LaunchVerdict verdict) { return name_of(kVerdicts, verdict); }
LaunchVerdict launch_verdict_from_string(std::string_view text) { return from_string(kVerdicts, text, "verdict"); }

}  // namespace ccvm::daemon
