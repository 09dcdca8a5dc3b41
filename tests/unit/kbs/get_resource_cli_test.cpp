// `ccvm guest get-resource` as a guest runs it: the real binary, a KBS on loopback, and a
// configfs-tsm report entry whose "hardware" signs an SNP report with the test PKI for whatever
// report data the binary writes to inblob.
#include <gtest/gtest.h>

#include <openssl/x509.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "ccvm/base/encoding.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/kbs/http_server.hpp"
#include "ccvm/kbs/key_broker.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/test_pki.hpp"
#include "unit/platform/platform_test_util.hpp"

namespace ccvm::kbs {
namespace {

namespace fs = std::filesystem;
namespace pki = test::pki;
using attestation::AgentTee;

Bytes fill(std::size_t n, unsigned v) { return Bytes(n, std::byte(v)); }

struct OneVm : VmDirectory {
    Bytes host_data, measurement;
    std::optional<VmMatch> find(AgentTee tee, std::span<const std::byte> init, std::string& why) override {
        if (tee == AgentTee::snp && std::equal(init.begin(), init.end(), host_data.begin(), host_data.end()))
            return VmMatch{"guest", {{{"launch_digest", measurement}}, {}}, {ResourcePath::parse("default/key/disk")}};
        why = "no running VM matches";
        return std::nullopt;
    }
    SecureBytes read_resource(const std::string&, const ResourcePath&) override {
        return SecureBytes(as_bytes("disk-passphrase\n"));
    }
    bool resource_known(const ResourcePath& r) override { return r.str() == "other/key/x"; }
};

struct NullAudit : AuditSink {
    void record(const AuditEvent&) override {}
};

// The SEV-SNP guest driver's report entry: provider, generation, and FIFOs for inblob/outblob; the
// certificate table (auxblob) carries the VCEK as the extended report does.
class SnpTsmEntry {
public:
    SnpTsmEntry(const fs::path& path, const pki::SnpChain& chain, Bytes host_data, Bytes measurement) : path_(path) {
        fs::create_directories(path_);
        std::ofstream(path_ / "provider") << "sev_guest\n";
        std::ofstream(path_ / "generation") << "1\n";
        ::mkfifo((path_ / "inblob").c_str(), 0600);
        ::mkfifo((path_ / "outblob").c_str(), 0600);
        write_cert_table(chain.vcek.get());
        thread_ = std::thread([this, &chain, host_data, measurement] {
            std::ifstream in(path_ / "inblob", std::ios::binary);
            std::string blob((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            const Bytes report =
                pki::sign_snp_report_bytes(chain, {Bytes(reinterpret_cast<const std::byte*>(blob.data()),
                                                         reinterpret_cast<const std::byte*>(blob.data()) + blob.size()),
                                                   host_data, measurement});
            std::ofstream(path_ / "outblob", std::ios::binary).write(as_chars(report).data(), report.size());
            done_ = true;
        });
    }
    ~SnpTsmEntry() {
        if (thread_.joinable() && !done_) {
            // Unblock a thread whose request never came.
            std::ofstream(path_ / "inblob", std::ios::binary) << std::string(64, '\0');
            std::ifstream(path_ / "outblob", std::ios::binary).get();
        }
        if (thread_.joinable()) thread_.join();
    }

private:
    void write_cert_table(X509* vcek) {
        unsigned char* der = nullptr;
        const int len = i2d_X509(vcek, &der);
        Bytes table(48);
        const Bytes guid = from_hex("63da758de6644564adc5f4b93be8accd");
        std::copy(guid.begin(), guid.end(), table.begin());
        store_le<std::uint32_t>(table, 16, 48);
        store_le<std::uint32_t>(table, 20, static_cast<std::uint32_t>(len));
        table.insert(table.end(), reinterpret_cast<std::byte*>(der), reinterpret_cast<std::byte*>(der) + len);
        OPENSSL_free(der);
        std::ofstream(path_ / "auxblob", std::ios::binary).write(as_chars(table).data(), table.size());
    }
    fs::path path_;
    std::atomic<bool> done_ = false;
    std::thread thread_;
};

class GetResourceCli : public ::testing::Test {
protected:
    test::TempDir dir;
    pki::SnpChain chain = pki::make_snp_chain(dir.path() / "anchors");
    OneVm vm;
    NullAudit audit;
    std::unique_ptr<KeyBroker> broker;
    std::unique_ptr<HttpServer> server;
    std::string url;

    void SetUp() override {
        vm.host_data = fill(32, 0x5A);
        vm.measurement = fill(48, 0x11);
        KbsConfig config;
        config.session_ttl = std::chrono::seconds(60);
        config.attestation_dir = dir.path() / "anchors";
        broker = std::make_unique<KeyBroker>(config, vm, audit);
        HttpServerConfig http;
        http.listen = "127.0.0.1:0";
        server = std::make_unique<HttpServer>(*broker, http);
        server->start();
        url = "http://127.0.0.1:" + std::to_string(server->port());
    }
    test::ProcessResult run(const std::vector<std::string>& args) {
        std::vector<std::string> argv{test::ccvm_cli().string(), "guest", "get-resource"};
        argv.insert(argv.end(), args.begin(), args.end());
        return test::run_process(argv);
    }
};

TEST_F(GetResourceCli, WritesTheSecretToANewPrivateFile) {
    SnpTsmEntry entry(dir.path() / "tsm", chain, vm.host_data, vm.measurement);
    const fs::path out = dir.path() / "secret";
    const auto r = run({"--kbs", url, "--resource", "default/key/disk", "--tsm-dir", (dir.path() / "tsm").string(),
                        "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(out);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), "disk-passphrase\n");
    EXPECT_EQ(fs::status(out).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_TRUE(r.out.empty());
}

TEST_F(GetResourceCli, WritesToStdout) {
    SnpTsmEntry entry(dir.path() / "tsm", chain, vm.host_data, vm.measurement);
    const auto r = run({"--kbs", url, "--resource", "default/key/disk", "--tsm-dir", (dir.path() / "tsm").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "disk-passphrase\n");
}

TEST_F(GetResourceCli, RefusalsExitWithTheirCodes) {
    {
        // Evidence of another VM (its HOST_DATA is not this one's): attestation refused, exit 1.
        SnpTsmEntry entry(dir.path() / "tsm1", chain, fill(32, 0x77), vm.measurement);
        const auto r =
            run({"--kbs", url, "--resource", "default/key/disk", "--tsm-dir", (dir.path() / "tsm1").string()});
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_NE(r.err.find("401"), std::string::npos) << r.err;
        EXPECT_TRUE(r.out.empty());
    }
    {
        SnpTsmEntry entry(dir.path() / "tsm2", chain, vm.host_data, vm.measurement);
        const auto r = run({"--kbs", url, "--resource", "other/key/x", "--tsm-dir", (dir.path() / "tsm2").string()});
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_NE(r.err.find("403"), std::string::npos) << r.err;
    }
    const auto bad = run({"--kbs", url, "--resource", "no-slashes", "--tsm-dir", dir.path().string()});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("REPO/TYPE/TAG"), std::string::npos) << bad.err;
    const auto scheme = run({"--kbs", "ftp://x", "--resource", "a/b/c", "--tsm-dir", dir.path().string()});
    EXPECT_EQ(scheme.exit_code, 2) << scheme.err;
    const int port = server->port();
    server->stop();
    SnpTsmEntry entry(dir.path() / "tsm3", chain, vm.host_data, vm.measurement);
    const auto down = run({"--kbs", "http://127.0.0.1:" + std::to_string(port), "--resource", "default/key/disk",
                           "--tsm-dir", (dir.path() / "tsm3").string()});
    EXPECT_EQ(down.exit_code, 3) << down.err;
}

}  // namespace
}  // namespace ccvm::kbs
