#include <gtest/gtest.h>

#include "cca_test_support.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/firmware-measure/cca/realm.hpp"
#include "ccvm/firmware-measure/cca/realm_params.hpp"

using namespace ccvm;
using namespace ccvm::cca;

namespace {
RealmParams upstream_unit_test_params(MeasurementAlgo algo) {
    // veraison realm_config::test_rim: s2sz 48, 2 breakpoints, 2 watchpoints, no SVE/PMU.
    RealmParams p;
    p.s2sz = 48;
    p.num_bps = 1;
    p.num_wps = 1;
    p.hash_algo = algo;
    return p;
}
}  // namespace

// Arm RMM spec (DEN0137), RMI_REALM_CREATE: every measured field at its offset, little-endian, the rest zero.
TEST(CcaRealmParams, EncodingLayout) {
    RealmParams p;
    p.flags = 0x7;
    p.s2sz = 44;
    p.sve_vl = 3;
    p.num_bps = 15;
    p.num_wps = 14;
    p.pmu_num_ctrs = 31;
    p.hash_algo = MeasurementAlgo::sha512;
    const Bytes b = encode_measured_realm_params(p);
    ASSERT_EQ(b.size(), 4096u);
    EXPECT_EQ(load_le<std::uint64_t>(b, 0x00), 0x7u);
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x08), 44u);
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x10), 3u);
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x18), 15u);
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x20), 14u);
    EXPECT_EQ(load_le<std::uint32_t>(b, 0x28), 31u);
    EXPECT_EQ(load_le<std::uint8_t>(b, 0x30), 1u);  // RMI_HASH_SHA_512
    std::size_t nonzero = 0;
    for (std::size_t i = 0x31; i < b.size(); ++i) nonzero += b[i] != std::byte{0};
    EXPECT_EQ(nonzero, 0u) << "RPV, rtt_base, vmid, aux planes must stay zero";
    p.hash_algo = MeasurementAlgo::sha384;
    EXPECT_EQ(load_le<std::uint8_t>(encode_measured_realm_params(p), 0x30), 2u);
}

// RIM0 values quoted by veraison/cca-realm-measurements and by the create-only vector.
TEST(CcaRealmParams, Rim0MatchesUpstreamUnitTest) {
    Realm sha256(upstream_unit_test_params(MeasurementAlgo::sha256));
    EXPECT_EQ(to_hex(sha256.rim()), test::expected_rim("cca_rim", "cca-plan-ll01_create_only_sha256"));
    EXPECT_EQ(to_hex(sha256.rim()).substr(0, 8), "6739dfb2");
    Realm sha512(upstream_unit_test_params(MeasurementAlgo::sha512));
    ASSERT_EQ(sha512.rim().size(), 64u);
    EXPECT_EQ(to_hex(sha512.rim()).substr(0, 8), "799e4340");
}

TEST(CcaRealmParams, ValidationNamesTheField) {
    auto rejects = [](RealmParams p, RmmVersion v, const std::string& needle) {
        try {
            validate(p, v, "plan.json");
            ADD_FAILURE() << "accepted: " << needle;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("plan.json"), std::string::npos) << e.what();
        }
    };
    const RealmParams ok = upstream_unit_test_params(MeasurementAlgo::sha256);
    EXPECT_NO_THROW(validate(ok, RmmVersion::v1_0, "plan.json"));
    RealmParams p = ok;
    p.num_bps = 0;  // one breakpoint: TF-RMM rejects
    rejects(p, RmmVersion::v1_0, "num_bps");
    p = ok;
    p.num_wps = 64;
    rejects(p, RmmVersion::v1_0, "num_wps");
    p = ok;
    p.s2sz = 52;  // needs LPA2
    rejects(p, RmmVersion::v1_0, "s2sz");
    p.flags = kRealmFlagLpa2;
    EXPECT_NO_THROW(validate(p, RmmVersion::v1_0, "plan.json"));
    p = ok;
    p.s2sz = 31;
    rejects(p, RmmVersion::v1_0, "s2sz");
    p = ok;
    p.flags = kRealmFlagDa;  // DA exists from RMM 1.1 on
    rejects(p, RmmVersion::v1_0, "flags");
    EXPECT_NO_THROW(validate(p, RmmVersion::v2_0, "plan.json"));
    p = ok;
    p.sve_vl = 1;  // without the SVE flag
    rejects(p, RmmVersion::v1_0, "sve_vl");
    p = ok;
    p.pmu_num_ctrs = 32;
    rejects(p, RmmVersion::v1_0, "pmu_num_ctrs");
    p = ok;
    p.hash_algo = MeasurementAlgo::sha384;
    rejects(p, RmmVersion::v1_0, "sha384");
    EXPECT_NO_THROW(validate(p, RmmVersion::v2_0, "plan.json"));
}

TEST(CcaRealmParams, AlgorithmNames) {
    EXPECT_EQ(parse_measurement_algo("sha256", RmmVersion::v1_0, "x"), MeasurementAlgo::sha256);
    EXPECT_EQ(parse_measurement_algo("sha512", RmmVersion::v1_0, "x"), MeasurementAlgo::sha512);
    EXPECT_EQ(parse_measurement_algo("sha384", RmmVersion::v2_0, "x"), MeasurementAlgo::sha384);
    EXPECT_THROW(parse_measurement_algo("sha384", RmmVersion::v1_0, "x"), InputError);
    EXPECT_THROW(parse_measurement_algo("sm3", RmmVersion::v2_0, "x"), InputError);
    EXPECT_THROW(parse_rmm_version("1.1", "x"), InputError);
}
