// The CC event log parser on a real Hygon CSV (SM3) log: every event against trustee's decoding of
// the same file, the registers against an independent replay, and the logs ccvm must refuse.
#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/cc_event_log.hpp"
#include "ccvm/firmware-measure/cc_event_log_diff.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/tdx/ccel.hpp"
#include "trustee_csv_log.hpp"

using namespace ccvm;
using ccvm::test::csv::trustee_events;
using ccvm::test::csv::trustee_log_path;

namespace {

// The spec-ID event's first digestSizes entry: TCG_PCR_EVENT header (32 bytes), then signature[16],
// platformClass, 4 version bytes, numberOfAlgorithms (TCG PC Client PFP §10.4.5.1).
constexpr std::size_t kFirstAlgorithmId = 32 + 16 + 4 + 4 + 4;

std::string error_of(ByteSpan log, std::optional<CcPlatform> platform = std::nullopt) {
    try {
        parse_cc_event_log(log, "csv.log", platform);
    } catch (const InputError& e) {
        return e.what();
    }
    return "(accepted)";
}

Bytes real_log() { return read_file(trustee_log_path()); }

// Python hashlib SM3 replay (RTMR := SM3(RTMR || digest) from 32 zero bytes) of the digests in
// trustee's CCEL_data_csv_out.json, by "index" (1..3; no event has index 4); the CLI test
// repeats it at run time with openssl dgst -sm3.
const char* const kIndependentRtmr[] = {
    "d76c4b289abcdf0e904ac02df69d48cdc9047723024a605ecb17ecbcb9fb62e3",
    "0559c2040dc2045fe06015787de4d4b4d8636a99d298046c52700a100f1fdb64",
    "287078930b845b372d7a9504f34d09db7a1ca65c17f59c86fb388bdb4a2bb994",
};

TEST(CcEventLogCsv, RealLogMatchesTrusteeDecoding) {
    const Bytes raw = real_log();
    EXPECT_EQ(to_hex(sha256(raw)), "70c50a869287247be267a3de47e7d19f6ba479457bdcc40ceab4d878037e21fd");
    const CcEventLog log = parse_cc_event_log(raw, "CCEL_data_csv");
    EXPECT_EQ(log.algorithm, HashAlgo::sm3);
    EXPECT_EQ(log.algorithm_id, 0x0012);
    EXPECT_EQ(log.platform(), CcPlatform::csv);
    ASSERT_EQ(log.algorithms.size(), 1u);
    EXPECT_EQ(log.algorithms[0].second, 32);

    const auto want = trustee_events();
    ASSERT_EQ(want.size(), 82u);
    std::vector<const CcEvent*> got;
    for (const CcEvent& e : log.events)
        if (e.measured()) got.push_back(&e);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i]->mr_index, want[i].index) << i;
        EXPECT_EQ(event_type_name(got[i]->type), want[i].type) << i;
        ASSERT_NE(log.digest_of(*got[i]), nullptr) << i;
        EXPECT_EQ(*log.digest_of(*got[i]), want[i].digest) << i;
    }
}

TEST(CcEventLogCsv, ReplaysWithSm3) {
    const CcRegisters r = replay_cc_event_log(parse_cc_event_log(real_log()));
    EXPECT_EQ(r.algorithm, HashAlgo::sm3);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(to_hex(r.values[i]), kIndependentRtmr[i]) << "MR index " << i + 1;
    EXPECT_EQ(r.values[3], Bytes(32));
    // CSV names MR index i after report register i (trustee's verifier compares index 1..4 with rtmr1..4).
    EXPECT_EQ(cc_register_name(CcPlatform::csv, 1), "rtmr1");
    EXPECT_EQ(cc_register_name(CcPlatform::tdx, 1), "rtmr0");
}

TEST(CcEventLogCsv, TruncatedLogNamesTheOffset) {
    const Bytes raw = real_log();
    const CcEventLog log = parse_cc_event_log(raw);
    const CcEvent& last = log.events.back();
    const Bytes cut(raw.begin(), raw.begin() + static_cast<long>(last.offset + 20));  // inside its digest
    char where[32];
    std::snprintf(where, sizeof where, "csv.log at offset 0x%zx", last.offset);
    EXPECT_NE(error_of(cut).find(where), std::string::npos) << error_of(cut);
    EXPECT_NE(error_of(ByteSpan(raw).first(40)).find("csv.log at offset 0x0 (Spec ID header event)"),
              std::string::npos);
}

TEST(CcEventLogCsv, UnsupportedAlgorithmIsNamed) {
    Bytes raw = real_log();
    store_le<std::uint16_t>(raw, kFirstAlgorithmId, 0x000b);  // SHA-256
    EXPECT_EQ(error_of(raw),
              "csv.log at offset 0x0 (Spec ID header event): spec-ID event lists digest algorithm 0x000b, "
              "ccvm supports 0x000c (SHA-384) and 0x0012 (SM3)");
    // A supported algorithm with another digest size is refused too.
    store_le<std::uint16_t>(raw, kFirstAlgorithmId, 0x0012);
    store_le<std::uint16_t>(raw, kFirstAlgorithmId + 2, 48);
    EXPECT_NE(error_of(raw).find("digest algorithm 0x0012 a size of 48 bytes, not 32"), std::string::npos)
        << error_of(raw);
}

TEST(CcEventLogCsv, PlatformMustMatchTheAlgorithm) {
    EXPECT_NE(
        error_of(real_log(), CcPlatform::tdx).find("lists digest algorithm 0x0012, a TDX log needs 0x000c (SHA-384)"),
        std::string::npos)
        << error_of(real_log(), CcPlatform::tdx);
    EXPECT_THROW(tdx::parse_ccel(real_log()), InputError);
    EXPECT_EQ(parse_cc_event_log(real_log(), "log", CcPlatform::csv).algorithm, HashAlgo::sm3);
}

// Trustee's CSV evidence carries a log whose spec-ID event lists SHA-384 and SM3 and no event: the
// platform decides the algorithm.
TEST(CcEventLogCsv, LogListingBothAlgorithmsNeedsThePlatform) {
    const json::Value ev = json::parse(read_text_file(test::inputs_dir() / "csv/trustee/csv_evidence.json"));
    const Bytes raw = from_base64(json::get_string(json::at(ev, "cc_eventlog")));
    EXPECT_NE(error_of(raw).find("lists both 0x000c (SHA-384, TDX) and 0x0012 (SM3, Hygon CSV)"), std::string::npos)
        << error_of(raw);
    const CcEventLog csv = parse_cc_event_log(raw, "evidence", CcPlatform::csv);
    EXPECT_EQ(csv.algorithm, HashAlgo::sm3);
    EXPECT_TRUE(csv.events.empty());
    EXPECT_EQ(replay_cc_event_log(csv).values[0], Bytes(32));
    EXPECT_EQ(parse_cc_event_log(raw, "evidence", CcPlatform::tdx).algorithm, HashAlgo::sha384);
}

// Expected events from trustee's decoding; one changed digest is named by register and index.
TEST(CcEventLogCsv, FirstDifferenceNamesTheEvent) {
    const CcEventLog log = parse_cc_event_log(real_log());
    ExpectedCcRegisters expected;
    for (std::uint32_t mr = 1; mr <= 3; ++mr) expected.values[mr - 1] = from_hex(kIndependentRtmr[mr - 1]);
    std::size_t in_rtmr3 = 0;
    for (const auto& e : trustee_events()) {
        expected.events.push_back({e.index, EventType::no_action, e.digest, e.type});
        if (e.index == 3 && in_rtmr3++ == 7) expected.events.back().digest[0] ^= std::byte{1};
    }
    auto d = first_difference(log, expected);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->mr_index, 3u);
    EXPECT_EQ(d->index, 7u);
    EXPECT_EQ(d->message.rfind("rtmr3 event 7 (EV_IPL): log has EV_IPL ", 0), 0u) << d->message;

    // Values only: RTMR2 read before its last 2 events were logged names the first of them.
    ExpectedCcRegisters values;
    const std::size_t n2 = cc_register_events(log, 2).size();
    values.values[1] = test::csv::replay_with_openssl(trustee_events(), {0, 0, n2 - 2, 0, 0})[2];
    d = first_difference(log, values);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->mr_index, 2u);
    EXPECT_EQ(d->index, n2 - 2);
    EXPECT_NE(d->message.find("it is the replay of the first " + std::to_string(n2 - 2) + " events: rtmr2 event " +
                              std::to_string(n2 - 2)),
              std::string::npos)
        << d->message;
}

}  // namespace
