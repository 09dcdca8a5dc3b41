// The pieces of ccvmd's key broker that read VM records: the recorded expected measurement as the
// typed registers the broker compares, which spec tee produces which evidence family, and how a
// session id is shown.
#include <gtest/gtest.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/daemon/key_broker_service.hpp"
#include "kbs/vm_directory.hpp"

namespace ccvm::daemon {
namespace {

using attestation::AgentTee;

TEST(KbsDirectory, ExpectedMeasurementBecomesRegisters) {
    const json::Value expected =
        json::parse(R"({"name": "td", "tee": "tdx", "registers": {"mrtd": "00ff", "rtmr0": "0a0b", "rtmr1": null},)"
                    R"( "not_computed": {"rtmr1": "boot chain", "rtmr2": "boot chain"}, "init_data": "abcd"})",
                    "expected");
    const Registers r = registers_from_expected(expected, "VM td");
    ASSERT_EQ(r.values.size(), 2u);
    EXPECT_EQ(to_hex(r.values.at("mrtd")), "00ff");
    EXPECT_EQ(to_hex(r.values.at("rtmr0")), "0a0b");
    // A null register is one the family could not compute: it stays undetermined, never "matching".
    ASSERT_EQ(r.not_computed.size(), 2u);
    EXPECT_EQ(r.not_computed.at("rtmr1"), "boot chain");
    EXPECT_EQ(r.not_computed.at("rtmr2"), "boot chain");
}

TEST(KbsDirectory, ExpectedMeasurementErrorsNameTheVm) {
    try {
        registers_from_expected(json::parse(R"({"name": "x"})", "e"), "VM x");
        FAIL() << "accepted an expected measurement without registers";
    } catch (const InputError& e) {
        EXPECT_STREQ(e.what(), "VM x: no \"registers\" object in the expected measurement");
    }
    EXPECT_THROW(registers_from_expected(json::parse(R"({"registers": {"mrtd": "zz"}})", "e"), "VM x"), InputError);
}

TEST(KbsDirectory, FamiliesByTheirSpecTee) {
    EXPECT_TRUE(tee_produces("sev-snp", AgentTee::snp));
    EXPECT_FALSE(tee_produces("sev-es", AgentTee::snp));
    EXPECT_FALSE(tee_produces("sev", AgentTee::snp));
    EXPECT_TRUE(tee_produces("tdx", AgentTee::tdx));
    EXPECT_TRUE(tee_produces("cca", AgentTee::cca));
    for (const char* csv : {"csv", "csv2", "csv3"}) EXPECT_TRUE(tee_produces(csv, AgentTee::csv)) << csv;
    EXPECT_FALSE(tee_produces("none", AgentTee::csv));
    EXPECT_FALSE(tee_produces("tdx", AgentTee::snp));
}

TEST(KbsDirectory, SessionLabelIsAShortDigestNeverTheCookie) {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2 B.1).
    EXPECT_EQ(session_label("abc"), "ba7816bf8f01");
    EXPECT_EQ(session_label(""), "-");
}

}  // namespace
}  // namespace ccvm::daemon
