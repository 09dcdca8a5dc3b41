#include "support/paths.hpp"

#include <cstdlib>

namespace ccvm::test {

namespace {
std::filesystem::path env_or(const char* var, const char* fallback) {
    const char* v = std::getenv(var);
    return v != nullptr && *v != '\0' ? std::filesystem::path(v) : std::filesystem::path(fallback);
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
        s.replace(pos, from.size(), to);
}
}  // namespace

std::filesystem::path vectors_dir() { return env_or("CCVM_VECTORS_DIR", CCVM_VECTORS_DIR); }
std::filesystem::path inputs_dir() { return vectors_dir() / "inputs"; }
std::filesystem::path gen_dir() { return env_or("CCVM_GEN_DIR", CCVM_GEN_DIR); }
std::filesystem::path schema_dir() { return env_or("CCVM_SCHEMA_DIR", CCVM_SCHEMA_DIR); }
std::filesystem::path source_dir() { return CCVM_SOURCE_DIR; }
std::filesystem::path binary_dir() { return CCVM_BINARY_DIR; }
std::filesystem::path ccvm_cli() { return env_or("CCVM_CLI", CCVM_CLI); }

std::string substitute(const std::string& arg) {
    std::string s = arg;
    replace_all(s, "@inputs/", inputs_dir().string() + "/");
    replace_all(s, "@gen/", gen_dir().string() + "/");
    return s;
}

}  // namespace ccvm::test
