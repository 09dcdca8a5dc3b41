// Baselines for the benchmarks, measured on the same machine in the same run.
#pragma once

#include <string>
#include <vector>

namespace ccvm::bench {

// Throughput in MB/s (10^6 bytes/s) of `openssl speed -evp ALGO -bytes BLOCK -seconds S`, single process
// (or `-multi N` when multi > 1; the figure is then the sum over the N processes).
double openssl_speed_mbps(const std::string& evp_algo, unsigned block_bytes, unsigned seconds = 2, unsigned multi = 1);

// Median wall-clock and median CPU seconds (user + system, from the child's rusage) of running `argv`
// (stdout/stderr discarded) `runs` times; throws if it fails.
struct CommandTimes {
    double wall;
    double cpu;
};
CommandTimes command_times(const std::vector<std::string>& argv, int runs = 5);

// The wall-clock, or the CPU, half of command_times.
double time_command(const std::vector<std::string>& argv, int runs = 5);
double cpu_command(const std::vector<std::string>& argv, int runs = 5);

}  // namespace ccvm::bench
