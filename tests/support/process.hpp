// Runs a child process with captured stdout/stderr (tests drive the real binaries this way).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ccvm::test {

struct ProcessResult {
    int exit_code = -1;  // exit status, or 128+signal when killed by a signal
    std::string out;
    std::string err;
};

// argv[0] is the program path. `env` entries are added to (or override) the inherited environment.
// `input` is written to the child's stdin.
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                          const std::string& input = {});

// The openssl command-line tool found on PATH (tests check ccvm against it); throws when absent.
std::string openssl_cli();

}  // namespace ccvm::test
