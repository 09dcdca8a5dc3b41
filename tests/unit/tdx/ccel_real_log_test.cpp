// A real TD event log (trustee test data, see tests/data/tdx/README.md): parsing, replay against
// an independent replay of trustee's own decoded digests, and the pre-202411 event templates.
#include <gtest/gtest.h>

#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/tdx/ccel.hpp"
#include "ccvm/firmware-measure/tdx/event_log_diff.hpp"
#include "ccvm/firmware-measure/tdx/rtmr_events.hpp"
#include "tdx_vectors.hpp"

using namespace ccvm;
using namespace ccvm::tdx;

namespace {

MappedFile real_log() { return MappedFile(test::source_dir() / "tests" / "data" / "tdx" / "trustee-CCEL_data_ovmf"); }

Sha384Digest digest_of(const CcelEvent& e) {
    Sha384Digest d{};
    std::copy(e.sha384()->begin(), e.sha384()->end(), d.begin());
    return d;
}

TEST(CcelRealLog, ParsesAndReplays) {
    MappedFile f = real_log();
    EXPECT_EQ(to_hex(sha256(f.bytes())), "0e6e0c6a327f658cd73d735cdca29e41adc3b108bf776ae11eeac0aab132d808");
    const CcelLog log = parse_ccel(f.bytes(), "trustee CCEL_data_ovmf");
    std::size_t measured = 0;
    for (const CcelEvent& e : log.events)
        if (e.type != static_cast<std::uint32_t>(EventType::no_action)) ++measured;
    EXPECT_EQ(measured, 20u);  // trustee's CCEL_data_ovmf_out.json lists 20 events
    const Rtmrs r = replay_ccel(log);
    // Replay (python hashlib) of the digests in trustee's CCEL_data_ovmf_out.json.
    EXPECT_EQ(to_hex(r[0]),
              "8566f998798db09443b244c62de9a3041fb02e2e6936c4396d784bba2e90177329ec5aba3bb484404f2ab9cc90abe193");
    EXPECT_EQ(to_hex(r[1]),
              "775b9f6bfe99f8a31396f0d0218e67ffa796d3b96ccf961cbb0deba48c79c00f082cda1a5567c1c16305f1fc210c13c6");
    EXPECT_EQ(to_hex(r[2]),
              "94eaf7a7bf398ed8d888c91057ae0261802e4f3df084213a76ca7f0b5055ac9d2241de43cd58d9e8b49c503bbf25f34a");
    EXPECT_EQ(r[3], Sha384Digest{});
}

// The log's first event equals the TD HOB vector for ovmf-inteltdx at 2 GiB, and the rest has the
// shape of the 2023.02..2024.08 templates: the engine's lists, fed the log's ACPI and kernel
// digests, match event for event.
TEST(CcelRealLog, MatchesPre202411Templates) {
    MappedFile f = real_log();
    const CcelLog log = parse_ccel(f.bytes());
    std::vector<const CcelEvent*> by_rtmr[4];
    for (const CcelEvent& e : log.events)
        if (e.type != static_cast<std::uint32_t>(EventType::no_action)) by_rtmr[e.mr_index - 1].push_back(&e);
    ASSERT_EQ(by_rtmr[0].size(), 14u);
    ASSERT_EQ(by_rtmr[1].size(), 4u);
    EXPECT_EQ(
        to_hex(digest_of(*by_rtmr[0][0])),
        json::get_string(json::at(test::tdx::primitive("tdx-td-hob.sid_ovmf-inteltdx.mem_0x80000000"), "sha384")));

    Rtmr0Inputs in;
    in.td_hob = digest_of(*by_rtmr[0][0]);
    in.cfv = digest_of(*by_rtmr[0][1]);
    const char* names[] = {"etc/table-loader", "etc/acpi/rsdp", "etc/acpi/tables"};
    for (int i = 0; i < 3; ++i) in.acpi.emplace_back(names[i], digest_of(*by_rtmr[0][8 + i]));
    const Edk2Version edk2 = Edk2Version::parse("2024.02");
    ExpectedRegisters expected;
    expected.events = *rtmr0_events(edk2, in);
    const auto r1 = rtmr1_events(edk2, digest_of(*by_rtmr[1][0]), "kernel");
    expected.events.insert(expected.events.end(), r1.begin(), r1.end());
    const Rtmrs replayed = replay(expected.events);
    expected.values[0] = replayed[0];
    expected.values[1] = replayed[1];
    const auto diff = first_difference(log, expected);
    EXPECT_FALSE(diff.has_value()) << diff->message;

    // With the 2024.11 rules RTMR0 has no ReadyToBoot separator: the diff names the log's extra
    // RTMR0 event 13, the first departure in log order.
    ExpectedRegisters newer;
    newer.events = *rtmr0_events(Edk2Version::parse("2025.02"), in);
    const auto r1new = rtmr1_events(Edk2Version::parse("2025.02"), digest_of(*by_rtmr[1][0]), "kernel");
    newer.events.insert(newer.events.end(), r1new.begin(), r1new.end());
    newer.values[0] = replay(newer.events)[0];
    newer.values[1] = replay(newer.events)[1];
    const auto d2 = first_difference(log, newer);
    ASSERT_TRUE(d2.has_value());
    EXPECT_EQ(d2->rtmr, 0u);
    EXPECT_EQ(d2->index, 13u);
    EXPECT_NE(d2->message.find("unexpected EV_SEPARATOR"), std::string::npos) << d2->message;
}

}  // namespace
