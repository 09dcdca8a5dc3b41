// Helpers shared by the platform tests: schema validation, example specs (and the shared TempDir).
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/schema.hpp"
#include "support/temp_dir.hpp"

namespace ccvm::test {

std::vector<std::filesystem::path> example_specs();  // configs/examples/*.yaml, sorted

inline std::vector<std::filesystem::path> example_specs() {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(source_dir() / "configs" / "examples"))
        if (e.path().extension() == ".yaml") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace ccvm::test
