// ccvmd under load: 200 clients, each with its own bus connection, run CreateVM -> Start -> Destroy
// on their own VM at the same moment, against ccvmd on a private bus and libvirt's test driver.
// Prints calls/s, p50/p99 latency per method, and the ratio to the bus's own round-trip rate
// (org.freedesktop.DBus.Peer.Ping to ccvmd) measured in the same run. Nothing is asserted on time;
// every call must succeed or fail with a named error (counted and printed).
#include <fcntl.h>
#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon_harness.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kClients = 200;
constexpr const char* kBus = "org.ccvm.ccvm1";
constexpr const char* kManager = "/org/ccvm/ccvm1";

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main() {
    ccvm::test::DaemonHarness h({CCVMD_PATH, CCVM_CLI_PATH, CCVM_BUS_POLICY}, "simulated");
    if (!h.start_daemon()) {
        std::fprintf(stderr, "ccvmd did not start:\n%s", h.daemon_log().c_str());
        return 1;
    }
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", h.bus_address().c_str(), 1);
    const std::filesystem::path kernel = h.dir() / "vmlinuz";
    ccvm::test::write_file(kernel, std::string(4096, 'k'));

    // Baseline: sequential Peer.Ping round trips to ccvmd (the bus + event loop, no work).
    double ping_per_s = 0;
    {
        auto conn = sdbus::createSystemBusConnection();
        auto proxy = sdbus::createProxy(*conn, kBus, kManager);
        constexpr int kPings = 2000;
        const auto t0 = Clock::now();
        for (int i = 0; i < kPings; ++i) proxy->callMethod("Ping").onInterface("org.freedesktop.DBus.Peer");
        ping_per_s = kPings / std::chrono::duration<double>(Clock::now() - t0).count();
    }

    std::mutex mutex;
    std::map<std::string, std::vector<double>> latency_ms;
    std::map<std::string, int> failures;
    std::barrier sync(kClients);
    std::vector<std::thread> clients;
    const auto t0 = Clock::now();
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            const std::string name = "load" + std::to_string(c);
            const std::string spec = "name: " + name +
                                     "\ntee: none\nvcpus: 1\nmemory: 128M\nkernel: " + kernel.string() +
                                     "\nlibvirt:\n  domain-type: test\n";
            auto conn = sdbus::createSystemBusConnection();
            conn->setMethodCallTimeout(std::chrono::seconds(120));
            auto manager = sdbus::createProxy(*conn, kBus, kManager);
            sync.arrive_and_wait();
            const auto timed = [&](const char* method, const auto& call) {
                const auto start = Clock::now();
                try {
                    call();
                } catch (const sdbus::Error& e) {
                    std::lock_guard lock(mutex);
                    ++failures[std::string(method) + ": " + e.getName()];
                    return false;
                }
                const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
                std::lock_guard lock(mutex);
                latency_ms[method].push_back(ms);
                return true;
            };
            // ccvmd reads the spec's files only through descriptors its caller opened.
            std::map<std::string, sdbus::UnixFd> files;
            files.emplace(kernel.string(),
                          sdbus::UnixFd(::open(kernel.c_str(), O_RDONLY | O_CLOEXEC), sdbus::adopt_fd));
            sdbus::ObjectPath path;
            if (!timed("CreateVM", [&] {
                    manager->callMethod("CreateVM")
                        .onInterface("org.ccvm.ccvm1.Manager")
                        .withArguments(spec, files)
                        .storeResultsTo(path);
                }))
                return;
            auto vm = sdbus::createProxy(*conn, kBus, path);
            if (!timed("Start", [&] { vm->callMethod("Start").onInterface("org.ccvm.ccvm1.VM"); })) return;
            timed("Destroy", [&] { vm->callMethod("Destroy").onInterface("org.ccvm.ccvm1.VM"); });
        });
    }
    for (auto& t : clients) t.join();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();

    std::vector<double> all;
    std::size_t calls = 0;
    std::printf("ccvmd load: %d clients, CreateVM -> Start -> Destroy each, libvirt test driver\n", kClients);
    for (const auto& [method, v] : latency_ms) {
        std::printf("  %-9s %4zu ok   p50 %8.2f ms   p99 %8.2f ms\n", method.c_str(), v.size(), percentile(v, 0.5),
                    percentile(v, 0.99));
        all.insert(all.end(), v.begin(), v.end());
        calls += v.size();
    }
    int failed = 0;
    for (const auto& [what, n] : failures) {
        std::printf("  failed: %-60s %d\n", what.c_str(), n);
        failed += n;
    }
    const double rate = static_cast<double>(calls) / wall;
    std::printf("  %zu calls in %.2f s: %.1f calls/s, p99 %.2f ms (all methods)\n", calls, wall, rate,
                percentile(all, 0.99));
    std::printf("  bus round trips (Peer.Ping, sequential): %.0f/s; load calls/s : ping/s = %.3f\n", ping_per_s,
                rate / ping_per_s);
    std::printf("  %d calls failed with a named error\n", failed);
    return h.stop_daemon() == 0 ? 0 : 1;
}
