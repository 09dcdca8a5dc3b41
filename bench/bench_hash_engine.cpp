// Multi-buffer hash engine speed against OpenSSL, per core:
//  1. per algorithm, MB/s per core of 4 KiB pages: OpenSSL one-buffer (level scalar) and each
//     multi-buffer level this CPU has, single thread, timed in thread CPU seconds;
//  2. whole process, pinned to one core (CPU 0, like taskset -c 0): CPU seconds of `ccvm measure --mode snp` of a
//     256 MiB OVMF-like firmware against `openssl dgst -sha384` of the same file (target <= 0.67),
//     at the default level and with CCVM_HASH_ENGINE forced to each level;
//  3. start-up: `ccvm --version` and the SNP measure of the 2 MiB OVMF against `openssl dgst -sha384`
//     (target <= 1.2), wall-clock and CPU medians, pinned to one core.
// Usage: bench_hash_engine [OVMF.fd] (default /usr/share/ovmf/OVMF.fd). Prints the load average:
// figures taken on a busy machine are noise.
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/hash_engine.hpp"
#include "support/openssl_speed.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ccvm;

namespace {

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

Bytes pattern(std::size_t size) {
    Bytes b(size);
    std::uint64_t x = 0x9e3779b97f4a7c15;
    for (std::size_t i = 0; i < size; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        b[i] = std::byte(static_cast<std::uint8_t>(x));
    }
    return b;
}

// Best of `reps` passes over `data` in 4 KiB pages, MB/s per CPU second of this thread.
double pages_mbps(HashAlgo algo, HashLevel level, ByteSpan data, int reps) {
    const std::size_t pages = data.size() / 4096;
    Bytes out(pages * digest_size(algo));
    double best = 0;
    for (int r = 0; r < reps; ++r) {
        const double t0 = thread_cpu_seconds();
        hash_strided(algo, level, data.data(), 4096, 4096, pages, out);
        const double secs = thread_cpu_seconds() - t0;
        best = std::max(best, static_cast<double>(data.size()) / secs / 1e6);
    }
    return best;
}

void write_file(const fs::path& p, ByteSpan data) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

// Pins this process, and so every command it starts, to CPU 0 (what `taskset -c 0` does, without
// counting taskset's own start in the children's CPU time).
void pin_to_cpu0() {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0) std::perror("sched_setaffinity");
}

}  // namespace

int main(int argc, char** argv) {
    const std::string ovmf_path = argc > 1 ? argv[1] : "/usr/share/ovmf/OVMF.fd";
    const std::string cli = CCVM_CLI;
    pin_to_cpu0();
    std::printf("load average at start: %s; pinned to CPU 0\n", load_average().c_str());

    // 1. Per-core page hashing.
    {
        const Bytes data = pattern(32u << 20);
        std::printf("1. 4 KiB pages, one thread, MB/s per CPU second (best of 5 passes over 32 MiB)\n");
        for (HashAlgo algo : {HashAlgo::sha256, HashAlgo::sha384, HashAlgo::sha512}) {
            const double base = pages_mbps(algo, HashLevel::scalar, data, 5);
            std::printf("   %-6s openssl one-buffer %7.1f", std::string(to_string(algo)).c_str(), base);
            for (HashLevel level : {HashLevel::avx2, HashLevel::avx512}) {
                if (!cpu_supports(level)) {
                    std::printf(" | %s: not on this CPU", std::string(to_string(level)).c_str());
                    continue;
                }
                const double mbps = pages_mbps(algo, level, data, 5);
                std::printf(" | %s x%zu %7.1f (%.2fx)", std::string(to_string(level)).c_str(), hash_lanes(algo, level),
                            mbps, mbps / base);
            }
            std::printf(" | default level %s\n", std::string(to_string(hash_level(algo))).c_str());
        }
    }

    const test::TempDir scratch;
    const fs::path& dir = scratch.path();
    const MappedFile deb(ovmf_path);

    // 2. 256 MiB firmware: pseudo-random pages, then the Debian OVMF at the end, so its footer table
    // (found from the end of the image) and reset vector are where they were.
    {
        const std::size_t size = 256u << 20;
        Bytes image = pattern(size - deb.bytes().size());
        image.insert(image.end(), deb.bytes().begin(), deb.bytes().end());
        const fs::path fw = dir / "OVMF-256M.fd";
        write_file(fw, image);
        const std::vector<std::string> measure = {cli, "measure",     "--mode",  "snp",    "--vcpus",
                                                  "1", "--vcpu-type", "EPYC-v4", "--ovmf", fw.string()};
        const double openssl_cpu = bench::cpu_command({"openssl", "dgst", "-sha384", fw.string()}, 7);
        std::printf("2. 256 MiB firmware, median CPU seconds of 7 runs: openssl dgst -sha384 %.3f s\n", openssl_cpu);
        for (const char* level : {"auto", "scalar", "avx2", "avx512"}) {
            if (const auto l = parse_hash_level(level); l && !cpu_supports(*l)) continue;
            ::setenv(kHashEngineEnv, level, 1);
            const double ccvm_cpu = bench::cpu_command(measure, 7);
            std::printf("   ccvm measure --mode snp, CCVM_HASH_ENGINE=%-6s %.3f s; ratio %.2f (target <= 0.67)\n",
                        level, ccvm_cpu, ccvm_cpu / openssl_cpu);
        }
        ::unsetenv(kHashEngineEnv);
    }

    // 3. Start-up and the 2 MiB OVMF as shipped: wall time (what a user waits) and CPU time (less
    // disturbed by other work on a shared machine).
    {
        const std::vector<std::pair<std::string, std::vector<std::string>>> cmds = {
            {"ccvm --version", {cli, "--version"}},
            {"ccvm measure --mode snp",
             {cli, "measure", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf", ovmf_path}},
            {"openssl dgst -sha384", {"openssl", "dgst", "-sha384", ovmf_path}},
        };
        std::printf("3. %s, medians of 51 runs\n", ovmf_path.c_str());
        double wall[3], cpu[3];
        for (std::size_t i = 0; i < cmds.size(); ++i) {
            const bench::CommandTimes t = bench::command_times(cmds[i].second, 51);
            wall[i] = t.wall;
            cpu[i] = t.cpu;
            std::printf("   %-24s %6.2f ms wall, %6.2f ms CPU\n", cmds[i].first.c_str(), wall[i] * 1e3, cpu[i] * 1e3);
        }
        std::printf("   measure / openssl dgst: %.2f wall, %.2f CPU (target <= 1.2)\n", wall[1] / wall[2],
                    cpu[1] / cpu[2]);
    }
    std::printf("load average at end: %s\n", load_average().c_str());
    return 0;
}
