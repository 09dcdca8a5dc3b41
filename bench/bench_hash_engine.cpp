// Hashing engine throughput (4 KiB pages, all cores) against `openssl speed` x cores.
#include <chrono>
#include <cstdio>

#include "ccvm/firmware-measure/hash.hpp"
#include "support/openssl_speed.hpp"

int main() {
    using namespace ccvm;
    const std::size_t size = 256u << 20;
    Bytes data(size);
    for (std::size_t i = 0; i < size; ++i) data[i] = std::byte(static_cast<std::uint8_t>(i * 13 + 5));
    const unsigned threads = hash_threads();
    for (HashAlgo algo : {HashAlgo::sha256, HashAlgo::sha384}) {
        Bytes out(size / 4096 * digest_size(algo));
        hash_chunks(algo, data, 4096, out, threads);  // warm-up
        auto t0 = std::chrono::steady_clock::now();
        hash_chunks(algo, data, 4096, out, threads);
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        double mbps = size / secs / 1e6;
        double base = bench::openssl_speed_mbps(std::string(to_string(algo)), 4096);
        std::printf("hash_chunks %-6s %u threads: %8.1f MB/s; openssl speed x %u cores: %8.1f MB/s; ratio %.2f\n",
                    std::string(to_string(algo)).c_str(), threads, mbps, threads, base * threads, mbps / (base * threads));
    }
    return 0;
}
