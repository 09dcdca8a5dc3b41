// `ccvm eventlog replay` and `ccvm attest verify-report --mode csv --event-log` on the real Hygon
// CSV (SM3) log from trustee's test data, through the real binary. Expected registers come from
// the openssl CLI replaying the digests trustee's parser reports; the V2 reports are built and
// signed here with the synthetic chain's keys (no public V2/V3 report comes with its event log).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ccvm/attestation/csv/attestation_report.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "extended_report.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "trustee_csv_log.hpp"

using namespace ccvm;
namespace fs = std::filesystem;
using test::csv::replay_with_openssl;
using test::csv::trustee_events;
using test::csv::trustee_log_path;

namespace {

test::ProcessResult ccvm_run(std::vector<std::string> args) {
    args.insert(args.begin(), test::ccvm_cli().string());
    return test::run_process(args);
}

std::string input(const std::string& rel) { return (test::inputs_dir() / rel).string(); }

const std::array<Bytes, 5>& independent() {
    static const std::array<Bytes, 5> regs = replay_with_openssl(trustee_events());
    return regs;
}

// A V2 report (4116-byte wrapper, flags 1) with these RTMRs, signed by the synthetic PEK.
fs::path v2_report(const test::TempDir& dir, const std::string& name, const std::array<Bytes, 5>& rtmr) {
    const auto v1 = attestation::csv::AttestationReport::parse(read_file(input("csv/synthetic/report_v1.bin")), "v1");
    std::array<Sm3Digest, 5> regs{};
    for (std::size_t i = 0; i < regs.size(); ++i) std::copy(rtmr[i].begin(), rtmr[i].end(), regs[i].begin());
    return dir.write(name, test::csv::wrap_extended_report(test::csv::make_extended_report(v1, false, regs), 1));
}

std::vector<std::string> verify_csv(const fs::path& report) {
    return {"attest",       "verify-report",
            "--mode",       "csv",
            "--report",     report.string(),
            "--cert-chain", input("csv/synthetic/hrk.cert"),
            "--cert-chain", input("csv/synthetic/hsk_cek.cert"),
            "--event-log",  trustee_log_path().string()};
}

}  // namespace

TEST(CsvEventLogCli, ReplayReportsSm3AndTheRegisters) {
    const auto r = ccvm_run({"eventlog", "replay", "--ccel", trustee_log_path().string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value out = json::parse(r.out);
    EXPECT_EQ(json::get_string(json::at(out, "algorithm")), "sm3");
    EXPECT_EQ(json::get_string(json::at(out, "algorithm_id")), "0x12");
    EXPECT_EQ(json::get_string(json::at(out, "platform")), "csv");
    for (int i = 1; i <= 4; ++i)
        EXPECT_EQ(json::get_string(json::at(out, "rtmr" + std::to_string(i))), to_hex(independent()[i])) << i;
    EXPECT_EQ(json::find(out, "rtmr0"), nullptr);
    const auto& events = json::get_array(json::at(out, "events"));
    const auto want = trustee_events();
    ASSERT_EQ(events.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(json::get_u64(events[i].at("rtmr")), want[i].index) << i;
        EXPECT_EQ(json::get_string(events[i].at("digest")), to_hex(want[i].digest)) << i;
    }
    // --mode tdx refuses an SM3 log, naming the algorithm it lists.
    const auto tdx = ccvm_run({"eventlog", "replay", "--ccel", trustee_log_path().string(), "--mode", "tdx"});
    EXPECT_EQ(tdx.exit_code, 2);
    EXPECT_NE(tdx.err.find("lists digest algorithm 0x0012, a TDX log needs 0x000c (SHA-384)"), std::string::npos)
        << tdx.err;
}

TEST(CsvEventLogCli, TruncatedAndUnsupportedLogsExitTwo) {
    const test::TempDir dir;
    const Bytes raw = read_file(trustee_log_path());
    auto r = ccvm_run({"eventlog", "replay", "--ccel", dir.write("cut.log", ByteSpan(raw).first(0x2000)).string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("cut.log at offset 0x"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");

    Bytes sha256 = raw;
    store_le<std::uint16_t>(sha256, 60, 0x000b);  // the spec-ID event's only digestSizes entry
    r = ccvm_run({"eventlog", "replay", "--ccel", dir.write("sha256.log", sha256).string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(
        r.err.find("sha256.log at offset 0x0 (Spec ID header event): spec-ID event lists digest algorithm 0x000b, "
                   "ccvm supports 0x000c (SHA-384) and 0x0012 (SM3)"),
        std::string::npos)
        << r.err;
}

TEST(CsvEventLogCli, ExpectNamesTheFirstDifferingEvent) {
    const test::TempDir dir;
    // Expected events as trustee decoded them, registers from the openssl replay.
    json::Value expect;
    for (int i = 1; i <= 4; ++i) expect["rtmr" + std::to_string(i)] = to_hex(independent()[i]);
    json::Value events = json::Value::array();
    std::size_t rtmr1 = 0;
    for (const auto& e : trustee_events()) {
        Bytes d = e.digest;
        if (e.index == 1 && rtmr1++ == 4) d[31] ^= std::byte{0x80};  // RTMR1's fifth event
        json::Value ev;
        ev["rtmr"] = json::Value(static_cast<unsigned>(e.index));
        ev["digest"] = to_hex(d);
        ev["description"] = e.type;
        events.push_back(std::move(ev));
    }
    expect["events"] = std::move(events);
    const fs::path path = dir.write("expect.json", as_bytes(json::dump(expect, true)));
    auto r = ccvm_run({"eventlog", "replay", "--ccel", trustee_log_path().string(), "--expect", path.string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("differs from " + path.string() + ": rtmr1 event 4 (EV_EFI_VARIABLE_DRIVER_CONFIG): log has "),
              std::string::npos)
        << r.err;

    // The registers alone, as `verify-report --mode csv --json` prints them ("rtmr" array): a match.
    json::Value report;
    json::Value rtmr = json::Value::array();
    for (const Bytes& reg : independent()) rtmr.push_back(to_hex(reg));
    report["rtmr"] = std::move(rtmr);
    const fs::path regs = dir.write("report.json", as_bytes(json::dump(report, true)));
    r = ccvm_run({"eventlog", "replay", "--ccel", trustee_log_path().string(), "--expect", regs.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("event log matches"), std::string::npos) << r.err;
}

TEST(CsvEventLogCli, VerifyReportReplaysAgainstTheReportRtmrs) {
    const test::TempDir dir;
    // RTMR1..4 from the openssl replay; RTMR0 (not logged) arbitrary.
    std::array<Bytes, 5> rtmr = independent();
    rtmr[0].assign(32, std::byte{0x5a});
    auto r = ccvm_run([&] {
        auto a = verify_csv(v2_report(dir, "match.bin", rtmr));
        a.push_back("--json");
        return a;
    }());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value out = json::parse(r.out);
    EXPECT_TRUE(json::get_bool(json::at(out, "verified")));
    std::vector<std::string> names;
    for (const auto& c : json::get_array(json::at(out, "checks")))
        names.push_back(json::get_string(json::at(c, "name")));
    for (const char* n :
         {"report.signature", "event_log.rtmr1", "event_log.rtmr2", "event_log.rtmr3", "event_log.rtmr4"})
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
    EXPECT_EQ(std::find(names.begin(), names.end(), "event_log.rtmr0"), names.end());

    // RTMR3 read before the log's last 3 RTMR3 events: exit 1, the first of them is named.
    std::size_t n3 = 0;
    for (const auto& e : trustee_events()) n3 += e.index == 3;
    std::array<Bytes, 5> early = rtmr;
    early[3] = replay_with_openssl(trustee_events(), {0, 0, 0, n3 - 3, 0})[3];
    r = ccvm_run(verify_csv(v2_report(dir, "early.bin", early)));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("check event_log.rtmr3 failed: rtmr3: replaying the log's " + std::to_string(n3) +
                         " events gives " + to_hex(independent()[3]) + ", the report's RTMR3 is " + to_hex(early[3]) +
                         "; it is the replay of the first " + std::to_string(n3 - 3) + " events: rtmr3 event " +
                         std::to_string(n3 - 3) + " (EV_IPL "),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("event_log.rtmr1 failed"), std::string::npos) << r.err;

    // A changed RTMR2: no prefix explains it.
    std::array<Bytes, 5> other = rtmr;
    other[2][0] ^= std::byte{1};
    r = ccvm_run(verify_csv(v2_report(dir, "other.bin", other)));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("event_log.rtmr2 failed: rtmr2: replaying the log's"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("no prefix of the log's events gives that value"), std::string::npos) << r.err;

    // A V1 report has no RTMRs: bad input.
    r = ccvm_run({"attest", "verify-report", "--mode", "csv", "--report", input("csv/synthetic/report_v1.bin"),
                  "--no-signature-check", "--event-log", trustee_log_path().string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("a CSV v1 attestation report carries no RTMRs"), std::string::npos) << r.err;
}
