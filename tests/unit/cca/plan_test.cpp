#include <gtest/gtest.h>

#include "cca_test_support.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/firmware-measure/cca/plan.hpp"
#include "ccvm/firmware-measure/cca/replay.hpp"

using namespace ccvm;
using namespace ccvm::cca;

namespace {
const char* kHead =
    R"({"hash_algo": "sha256", "realm_params": {"flags": 0, "s2sz": 40, "sve_vl": 0, "num_bps": 1, "num_wps": 1, "pmu_num_ctrs": 0}, )";

Plan parse(const std::string& rest) { return parse_plan(std::string(kHead) + rest, "/plans", "p.json"); }

void expect_error(const std::string& rest, const std::string& needle) {
    try {
        parse(rest);
        ADD_FAILURE() << "accepted: " << rest;
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("p.json"), std::string::npos) << e.what();
    }
}
}  // namespace

TEST(CcaPlan, ParsesEveryOp) {
    const Plan plan = parse(R"("ops": [
        {"op": "init_ripas", "base": 2147483648, "top": 2684354560},
        {"op": "data", "ipa": 2147483649, "hex": "00ff"},
        {"op": "data", "ipa": 2147500032, "file": "cca/blob.bin"},
        {"op": "rec", "flags": 1, "pc": 2147483648, "gprs": [1, 2, 3, 4, 5, 6, 7, 18446744073709551615]},
        {"op": "data_unmeasured", "ipa": 2415853568, "size": 65536},
        {"op": "rem_extend", "index": 3, "hex": "abcd"}], "rmm_version": "2.0"})");
    EXPECT_EQ(plan.rmm_version, RmmVersion::v2_0);
    ASSERT_EQ(plan.ops.size(), 6u);
    EXPECT_EQ(std::get<InitRipasOp>(plan.ops[0]).top, 2684354560u);
    EXPECT_EQ(std::get<Bytes>(std::get<DataOp>(plan.ops[1]).source), from_hex("00ff"));
    EXPECT_EQ(std::get<std::filesystem::path>(std::get<DataOp>(plan.ops[2]).source),
              std::filesystem::path("/plans/cca/blob.bin"));
    EXPECT_EQ(std::get<RecOp>(plan.ops[3]).params.gprs[7], UINT64_MAX);
    EXPECT_EQ(std::get<DataUnmeasuredOp>(plan.ops[4]).size, 65536u);
    EXPECT_EQ(std::get<RemExtendOp>(plan.ops[5]).index, 3u);
}

TEST(CcaPlan, ErrorsNameTheField) {
    expect_error(R"("ops": [{"op": "init_ripas", "base": 4096}]})", "ops[0].top is missing");
    expect_error(R"("ops": [{"op": "init_ripas", "base": 4097, "top": 8192}]})", "ops[0].base");
    expect_error(R"("ops": [{"op": "data", "ipa": "0x1000", "hex": "00"}]})", "ops[0].ipa must be a JSON number");
    expect_error(R"("ops": [{"op": "data", "ipa": -1, "hex": "00"}]})", "ops[0].ipa");
    expect_error(R"("ops": [{"op": "data", "ipa": 1.5, "hex": "00"}]})", "ops[0].ipa");
    expect_error(R"("ops": [{"op": "data", "ipa": 18446744073709551616, "hex": "00"}]})", "64 bits");
    expect_error(R"("ops": [{"op": "data", "ipa": 0, "hex": "00", "file": "x"}]})", "exactly one");
    expect_error(R"("ops": [{"op": "data", "ipa": 0, "hex": "0g"}]})", "ops[0].hex");
    expect_error(R"("ops": [{"op": "data", "ipa": 0, "hex": "00", "size": 3}]})", "ops[0].size is not a known field");
    expect_error(R"("ops": [{"op": "rec", "flags": 3, "pc": 0, "gprs": [0,0,0,0,0,0,0,0]}]})", "ops[0].flags");
    expect_error(R"("ops": [{"op": "rec", "flags": 1, "pc": 0, "gprs": [0,0,0]}]})", "ops[0].gprs");
    expect_error(R"("ops": [{"op": "rec", "flags": 1, "pc": 0, "gprs": [0,0,0,0,0,0,0,"1"]}]})", "ops[0].gprs[7]");
    expect_error(R"("ops": [{"op": "rem_extend", "index": 4, "hex": "00"}]})", "ops[0].index");
    expect_error(R"("ops": [{"op": "rem_extend", "index": 0, "hex": ")" + std::string(130, 'a') + R"("}]})",
                 "at most 64");
    expect_error(R"("ops": [{"op": "data_unmeasured", "ipa": 0, "size": 0}]})", "ops[0].size");
    expect_error(R"("ops": [{"op": "jump"}]})", "ops[0].op");
    expect_error(R"("ops": [7]})", "ops[0] must be a JSON object");
    expect_error(R"("ops": {}})", "ops must be a list");
    expect_error(R"("ops": [], "rmm_version": "1.1"})", "rmm_version");
    expect_error(R"("ops": [], "extra": 1})", "extra is not a known field");
    EXPECT_THROW(
        parse_plan(R"({"hash_algo": "sha384", "realm_params": {"flags": 0, "s2sz": 40, "sve_vl": 0, "num_bps": 1,
        "num_wps": 1, "pmu_num_ctrs": 0}, "ops": []})",
                   "/", "p.json"),
        InputError);
    EXPECT_THROW(
        parse_plan(R"({"hash_algo": "sha256", "realm_params": {"flags": 0, "s2sz": 40}, "ops": []})", "/", "p.json"),
        InputError);
    EXPECT_THROW(parse_plan("{", "/", "p.json"), InputError);
}

// SHA-384 is an RMM 1.1+ algorithm: accepted with rmm_version 2.0, 48-byte RIM.
TEST(CcaPlan, Sha384WithRmm2) {
    const Plan plan =
        parse_plan(R"({"hash_algo": "sha384", "rmm_version": "2.0", "realm_params": {"flags": 0, "s2sz": 40,
        "sve_vl": 0, "num_bps": 1, "num_wps": 1, "pmu_num_ctrs": 0}, "ops": [{"op": "rem_extend", "index": 1, "hex": "01"}]})",
                   "/", "p.json");
    const RealmMeasurements m = replay(plan);
    EXPECT_EQ(m.rim.size(), 48u);
    EXPECT_EQ(m.rems[1].size(), 48u);
}

// A plan written back with to_json and parsed again measures the same.
TEST(CcaPlan, JsonRoundTrip) {
    const Plan plan = load_plan(test::cca_plan_path("ll06_data_rec_unmeasured"));
    const Plan again = parse_plan(json::dump(to_json(plan)), "/", "round-trip");
    EXPECT_EQ(to_hex(replay(again).rim), test::expected_rim("cca_rim", "cca-plan-ll06_data_rec_unmeasured"));
}

TEST(CcaPlan, MissingFileNamesThePath) {
    const Plan plan = parse(R"("ops": [{"op": "data", "ipa": 0, "file": "no-such-blob.bin"}]})");
    try {
        replay(plan);
        ADD_FAILURE();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("no-such-blob.bin"), std::string::npos) << e.what();
    }
}
