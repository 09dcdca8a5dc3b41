// configfs-tsm report entries and the attestation-agent evidence JSON built from them. The kernel's
// entry is stood in for by a directory whose inblob and outblob are FIFOs, so the "hardware" sees
// exactly what was written and answers only after it.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "ccvm/attestation/agent_evidence.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/kbs/tsm_evidence.hpp"
#include "support/paths.hpp"
#include "unit/platform/platform_test_util.hpp"

namespace ccvm::kbs {
namespace {

namespace fs = std::filesystem;

Bytes read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return Bytes(reinterpret_cast<const std::byte*>(s.data()), reinterpret_cast<const std::byte*>(s.data()) + s.size());
}

// A report entry answering each inblob with `prefix || inblob`, once.
class FakeEntry {
public:
    FakeEntry(const test::TempDir& dir, const std::string& provider, std::string prefix)
        : path_(dir.path() / "entry"), prefix_(std::move(prefix)) {
        fs::create_directory(path_);
        std::ofstream(path_ / "provider") << provider << "\n";
        std::ofstream(path_ / "generation") << "1\n";
        ::mkfifo((path_ / "inblob").c_str(), 0600);
        ::mkfifo((path_ / "outblob").c_str(), 0600);
        thread_ = std::thread([this] {
            std::ifstream in(path_ / "inblob", std::ios::binary);
            std::string blob((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            seen_ = blob;
            std::ofstream(path_ / "outblob", std::ios::binary) << prefix_ << blob;
        });
    }
    ~FakeEntry() {
        if (thread_.joinable()) thread_.join();
    }
    const fs::path& path() const { return path_; }
    std::string seen() {
        thread_.join();
        return seen_;
    }

private:
    fs::path path_;
    std::string prefix_, seen_;
    std::thread thread_;
};

TEST(TsmReport, TdxQuoteIsBase64UnderQuote) {
    test::TempDir dir;
    FakeEntry entry(dir, "tdx_guest", "QUOTE:");
    const Bytes report_data(64, std::byte{0xab});
    TsmEvidenceProvider provider(entry.path(), "");
    EXPECT_EQ(provider.tee(), attestation::AgentTee::tdx);
    const auto ev = nlohmann::json::parse(provider.evidence(report_data));
    EXPECT_EQ(entry.seen(), std::string(64, '\xab'));
    Bytes expected = from_hex("51554f54453a");  // "QUOTE:"
    append(expected, report_data);
    EXPECT_EQ(ev, nlohmann::json({{"quote", to_base64(expected)}}));
}

TEST(TsmReport, CcaTokenIsAByteArray) {
    test::TempDir dir;
    FakeEntry entry(dir, "arm_cca_guest", "\xd2\x84");
    const auto ev = nlohmann::json::parse(TsmEvidenceProvider(entry.path(), "").evidence(Bytes(64, std::byte{1})));
    ASSERT_EQ(ev.at("token").size(), 66u);
    EXPECT_EQ(ev.at("token")[0], 0xd2);
    EXPECT_EQ(ev.at("token")[1], 0x84);
    EXPECT_EQ(ev.at("token")[2], 1);
}

TEST(TsmReport, RefusesUnknownProviderAndLongInblob) {
    test::TempDir dir;
    fs::create_directory(dir.path() / "e");
    std::ofstream(dir.path() / "e" / "provider") << "sgx_guest\n";
    EXPECT_THROW(TsmEvidenceProvider(dir.path() / "e", "").tee(), InputError);
    EXPECT_THROW(tsm_report(dir.path() / "e", Bytes(65)), InputError);
    // A report directory that is not configfs: the entry made in it has no attributes.
    EXPECT_THROW(tsm_provider(dir.path()), SystemError);
    EXPECT_FALSE(fs::exists(dir.path() / "provider"));
}

// The serde form of a real SNP report (Trustee's verifier test report): the fields land where the
// SNP ABI spec puts them in the binary report.
TEST(TsmReport, SnpReportInAttestationAgentForm) {
    const Bytes raw = read_file(test::source_dir() / "tests/data/snp/trustee-report.bin");
    ASSERT_EQ(raw.size(), 1184u);
    TsmReport report{"sev_guest", raw, {}};
    const auto ev = nlohmann::json::parse(agent_evidence_json(report));
    const auto& r = ev.at("attestation_report");
    EXPECT_TRUE(ev.at("cert_chain").is_null());
    EXPECT_EQ(r.at("version"), load_le<std::uint32_t>(raw, 0x00));
    EXPECT_EQ(r.at("policy"), load_le<std::uint64_t>(raw, 0x08));
    auto bytes_at = [&](std::size_t off, std::size_t len) {
        nlohmann::json a = nlohmann::json::array();
        for (std::size_t i = 0; i < len; ++i) a.push_back(std::to_integer<unsigned>(raw[off + i]));
        return a;
    };
    EXPECT_EQ(r.at("report_data"), bytes_at(0x50, 64));
    EXPECT_EQ(r.at("measurement"), bytes_at(0x90, 48));
    EXPECT_EQ(r.at("host_data"), bytes_at(0xC0, 32));
    EXPECT_EQ(r.at("chip_id"), bytes_at(0x1A0, 64));
    EXPECT_EQ(r.at("signature").at("r"), bytes_at(0x2A0, 72));
    EXPECT_EQ(r.at("signature").at("s"), bytes_at(0x2E8, 72));
    EXPECT_EQ(r.at("reported_tcb").at("microcode"), std::to_integer<unsigned>(raw[0x180 + 7]));

    // The attestation library's parser of that form gives back the very same binary report.
    const attestation::AgentEvidence parsed =
        attestation::parse_agent_evidence(attestation::AgentTee::snp, as_bytes(ev.dump()), "evidence");
    EXPECT_EQ(parsed.raw, raw);

    // A certificate table with a VCEK entry (GHCB spec table layout).
    Bytes table(24 * 2 + 3);
    const Bytes vcek_guid = from_hex("63da758de6644564adc5f4b93be8accd");
    std::copy(vcek_guid.begin(), vcek_guid.end(), table.begin());
    store_le<std::uint32_t>(table, 16, 48);
    store_le<std::uint32_t>(table, 20, 3);
    table[48] = std::byte{0x30};
    report.auxblob = table;
    const auto with_chain = nlohmann::json::parse(agent_evidence_json(report));
    EXPECT_EQ(with_chain.at("cert_chain"), nlohmann::json::parse(R"([{"cert_type":"VCEK","data":[48,0,0]}])"));
}

}  // namespace
}  // namespace ccvm::kbs
