// A new spec's files, taken from the descriptors its caller passed (PlanInputs::caller_files) and
// never by path with ccvmd's rights: a caller cannot make ccvmd read, measure or hand to libvirt a
// file the caller could not open (ccvmd(8) "Trust model").
#pragma once

#include <cstdint>
#include <filesystem>

#include "ccvm/daemon/spec_planner.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::daemon {

// Upper bound for one copied input (firmware, kernel, initrd...): far above any real image, and a
// bound on what one spec can make ccvmd write into its state directory.
inline constexpr std::uint64_t kMaxInputFileBytes = std::uint64_t{2} << 30;

// Checks every file `spec` names against `files`, copies those ccvmd reads (boot inputs, secrets,
// keys, session files, ACPI blobs) into `copy_dir`, and points `spec` at the copies. Disks and logs
// stay where they are, after checking that their path still names the file the caller opened with
// read-write access. A file without a matching descriptor, or one opened without the access its use
// needs or not a regular file, is refused with the same DaemonError(invalid_argument)
// "...: PATH: not accessible to the caller" whatever the reason.
void take_caller_files(platform::VmSpec& spec, CallerFiles& files, const std::filesystem::path& copy_dir);

// Before a launch: throws DaemonError(invalid_state) when a disk or log path of `original` no longer
// names the file its caller passed at create (recorded in `dir` by take_caller_files), so that a
// path swapped since (a symlink to a root-only file) never reaches libvirt.
void check_in_place_unchanged(const platform::VmSpec& original, const std::filesystem::path& dir);

// Points the copied files of `spec` at `dir` (where take_caller_files put them, or where they are
// now); disks and logs keep their paths.
void point_at_copies(platform::VmSpec& spec, const std::filesystem::path& dir);

// `text` with every path of a copy in `copy_dir` replaced by the path the spec gave for it, so that
// messages about an input name the caller's file, not ccvmd's copy.
std::string name_originals(std::string text, const platform::VmSpec& original, const std::filesystem::path& copy_dir);

}  // namespace ccvm::daemon
