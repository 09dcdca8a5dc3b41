// The key broker under load (issue 15): 100 guests at the same moment, each with its own KBS client
// and ephemeral key, run auth -> attest -> resource against a KeyBroker behind its HTTP server on
// loopback. Evidence is a real SEV-SNP report signed by a throwaway ARK -> ASK -> VCEK chain
// (tests/support/test_pki), so every attestation verifies two certificate signatures and the
// report's ECDSA P-384 signature. Prints p50/p99 per step and per session, sessions/s, and the ratio
// of the loaded session's p50 to one session alone (measured in the same run). Every exchange must
// succeed; failures are counted by their error and make the exit status 1.
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

#include "ccvm/kbs/client.hpp"
#include "ccvm/kbs/http_server.hpp"
#include "ccvm/kbs/key_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
namespace pki = ccvm::test::pki;
constexpr int kGuests = 100;
const ccvm::kbs::ResourcePath kResource = ccvm::kbs::ResourcePath::parse("default/key/bench");

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

ccvm::Bytes filled(std::size_t n, std::uint8_t value) { return ccvm::Bytes(n, std::byte{value}); }

// One running VM, as ccvmd's directory would find it: its initdata binding, launch digest and secret.
class BenchDirectory final : public ccvm::kbs::VmDirectory {
public:
    BenchDirectory(ccvm::Bytes host_data, ccvm::Bytes launch_digest)
        : host_data_(std::move(host_data)), launch_digest_(std::move(launch_digest)) {}
    std::optional<ccvm::kbs::VmMatch> find(ccvm::attestation::AgentTee, std::span<const std::byte> init_data,
                                           std::string& why_not) override {
        if (!std::equal(init_data.begin(), init_data.end(), host_data_.begin(), host_data_.end())) {
            why_not = "no VM has this initdata";
            return std::nullopt;
        }
        ccvm::kbs::VmMatch match;
        match.name = "bench";
        match.expected.values["launch_digest"] = launch_digest_;
        match.resources.push_back(kResource);
        return match;
    }
    ccvm::kbs::SecureBytes read_resource(const std::string&, const ccvm::kbs::ResourcePath&) override {
        return ccvm::kbs::SecureBytes(filled(32, 0x42));
    }

private:
    ccvm::Bytes host_data_, launch_digest_;
};

class CountingAudit final : public ccvm::kbs::AuditSink {
public:
    void record(const ccvm::kbs::AuditEvent& event) override { (event.allowed ? allowed : refused).fetch_add(1); }
    std::atomic<int> allowed{0}, refused{0};
};

class SnpGuest final : public ccvm::kbs::EvidenceProvider {
public:
    SnpGuest(const pki::SnpChain& chain, ccvm::Bytes host_data, ccvm::Bytes measurement)
        : chain_(chain), host_data_(std::move(host_data)), measurement_(std::move(measurement)) {}
    ccvm::attestation::AgentTee tee() override { return ccvm::attestation::AgentTee::snp; }
    std::string evidence(ccvm::ByteSpan report_data) override {
        pki::SnpReportInput in;
        in.report_data = ccvm::Bytes(report_data.begin(), report_data.end());
        in.host_data = host_data_;
        in.measurement = measurement_;
        return pki::sign_snp_report(chain_, in);
    }

private:
    const pki::SnpChain& chain_;
    ccvm::Bytes host_data_, measurement_;
};

struct Timings {
    std::mutex mutex;
    std::map<std::string, std::vector<double>> ms;
    std::map<std::string, int> failures;
    void add(const std::string& step, double value) {
        std::lock_guard lock(mutex);
        ms[step].push_back(value);
    }
    void fail(const std::string& what) {
        std::lock_guard lock(mutex);
        ++failures[what];
    }
};

double since_ms(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// One guest's session: attest (auth + attest) and one resource. Returns false on any failure.
bool session(const std::string& url, SnpGuest& guest, Timings& timings) {
    try {
        ccvm::kbs::KbsClientOptions options;
        options.url = url;
        options.timeout = std::chrono::seconds(120);
        ccvm::kbs::KbsClient client(options, guest);
        const auto t0 = Clock::now();
        client.attest();
        const double attest_ms = since_ms(t0);
        const auto t1 = Clock::now();
        const ccvm::kbs::SecureBytes secret = client.get_resource(kResource);
        const double resource_ms = since_ms(t1);
        if (secret.size() != 32) {
            timings.fail("resource: wrong size");
            return false;
        }
        timings.add("auth+attest", attest_ms);
        timings.add("resource", resource_ms);
        timings.add("session", since_ms(t0));
        return true;
    } catch (const std::exception& e) {
        timings.fail(e.what());
        return false;
    }
}

}  // namespace

int main() {
    const ccvm::test::TempDir scratch;
    const fs::path& dir = scratch.path();
    const pki::SnpChain chain = pki::make_snp_chain(dir);
    const ccvm::Bytes host_data = filled(32, 0x11);
    const ccvm::Bytes measurement = filled(48, 0x22);

    BenchDirectory directory(host_data, measurement);
    CountingAudit audit;
    ccvm::kbs::KbsConfig config;
    config.attestation_dir = dir;
    ccvm::kbs::KeyBroker broker(config, directory, audit);
    ccvm::kbs::HttpServerConfig server_config;
    server_config.listen = "127.0.0.1:0";
    server_config.threads = 8;  // as ccvmd runs it
    ccvm::kbs::HttpServer server(broker, server_config);
    server.start();
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port());

    // Baseline: sessions one after the other (no contention), in the same run.
    Timings alone;
    for (int i = 0; i < 10; ++i) {
        SnpGuest guest(chain, host_data, measurement);
        session(url, guest, alone);
    }
    const double alone_p50 = percentile(alone.ms["session"], 0.5);

    Timings loaded;
    std::barrier sync(kGuests);
    std::vector<std::thread> guests;
    const auto t0 = Clock::now();
    for (int g = 0; g < kGuests; ++g)
        guests.emplace_back([&] {
            SnpGuest guest(chain, host_data, measurement);
            sync.arrive_and_wait();
            session(url, guest, loaded);
        });
    for (auto& t : guests) t.join();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    server.stop();

    std::printf(
        "KBS load: %d concurrent guests, auth -> attest (SEV-SNP report, real signatures) -> resource, "
        "HTTP on loopback, %zu server threads\n",
        kGuests, server_config.threads);
    for (const char* step : {"auth+attest", "resource", "session"}) {
        const auto& v = loaded.ms[step];
        std::printf("  %-12s %4zu ok   p50 %8.2f ms   p99 %8.2f ms\n", step, v.size(), percentile(v, 0.5),
                    percentile(v, 0.99));
    }
    int failed = 0;
    for (const auto& [what, n] : loaded.failures) {
        std::printf("  failed: %s (%d)\n", what.c_str(), n);
        failed += n;
    }
    for (const auto& [what, n] : alone.failures) failed += n;
    const std::size_t done = loaded.ms["session"].size();
    std::printf("  %zu sessions in %.2f s: %.1f sessions/s\n", done, wall, static_cast<double>(done) / wall);
    std::printf("  one session alone: p50 %.2f ms; loaded p50 : alone p50 = %.1f\n", alone_p50,
                alone_p50 > 0 ? percentile(loaded.ms["session"], 0.5) / alone_p50 : 0.0);
    std::printf("  audit lines: %d allowed, %d refused; %d errors\n", audit.allowed.load(), audit.refused.load(),
                failed);
    return failed == 0 && static_cast<int>(done) == kGuests ? 0 : 1;
}
