// Where tests find the vector set, its generated inputs, the schema and the ccvm binary.
#pragma once

#include <filesystem>
#include <string>

namespace ccvm::test {

std::filesystem::path vectors_dir();
std::filesystem::path inputs_dir();  // vectors_dir()/inputs
std::filesystem::path gen_dir();     // the @gen/ files rebuilt by make-inputs.py
std::filesystem::path schema_dir();
std::filesystem::path source_dir();
std::filesystem::path binary_dir();
std::filesystem::path ccvm_cli();
// Replaces @inputs/ and @gen/ prefixes as the vector README specifies.
std::string substitute(const std::string& arg);

}  // namespace ccvm::test
