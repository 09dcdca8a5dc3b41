#include "support/openssl_speed.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace ccvm::bench {

double openssl_speed_mbps(const std::string& evp_algo, unsigned block_bytes, unsigned seconds, unsigned multi) {
    std::string cmd = "openssl speed -evp " + evp_algo + " -bytes " + std::to_string(block_bytes) + " -seconds " +
                      std::to_string(seconds) + (multi > 1 ? " -multi " + std::to_string(multi) : "") + " 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    if (!p) throw std::runtime_error("cannot run: " + cmd);
    std::array<char, 512> buf{};
    std::string last;
    while (fgets(buf.data(), buf.size(), p.get()) != nullptr) {
        std::string line = buf.data();
        if (line.find(evp_algo) != std::string::npos || line.rfind("evp", 0) == 0 ||
            line.find("k\n") != std::string::npos)
            last = line;
    }
    // The result line ends with "<thousands of bytes per second>k".
    std::istringstream in(last);
    std::string tok, value;
    while (in >> tok) value = tok;
    if (value.empty() || value.back() != 'k') throw std::runtime_error("cannot parse openssl speed output: " + last);
    value.pop_back();
    return std::stod(value) * 1000.0 / 1e6;
}

namespace {

struct Run {
    double wall;
    double cpu;
};

Run run_once(const std::vector<std::string>& argv) {
    std::vector<std::string> args = argv;
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        throw std::runtime_error("cannot start " + argv[0]);
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    auto t1 = std::chrono::steady_clock::now();
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(argv[0] + " failed during timing");
    auto secs = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    return {std::chrono::duration<double>(t1 - t0).count(), secs(ru.ru_utime) + secs(ru.ru_stime)};
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

CommandTimes command_times(const std::vector<std::string>& argv, int runs) {
    std::vector<double> wall, cpu;
    for (int r = 0; r < runs; ++r) {
        const Run run = run_once(argv);
        wall.push_back(run.wall);
        cpu.push_back(run.cpu);
    }
    return {median(std::move(wall)), median(std::move(cpu))};
}

double time_command(const std::vector<std::string>& argv, int runs) { return command_times(argv, runs).wall; }

double cpu_command(const std::vector<std::string>& argv, int runs) { return command_times(argv, runs).cpu; }

}  // namespace ccvm::bench
