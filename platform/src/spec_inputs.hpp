// File checks shared by check_spec_inputs() and the measurement bridges.
#pragma once

#include <filesystem>
#include <string>

#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

// InputError "where-key-was-written: key: PATH does not exist" (or is not a regular file).
void require_spec_file(const VmSpec& spec, const std::string& key, const std::filesystem::path& path);

}  // namespace ccvm::platform
