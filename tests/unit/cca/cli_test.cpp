#include <gtest/gtest.h>

#include "cca_test_support.hpp"
#include "ccvm/base/encoding.hpp"
#include "support/process.hpp"

using namespace ccvm;

namespace {
test::ProcessResult ccvm_run(std::vector<std::string> args) {
    args.insert(args.begin(), test::ccvm_cli().string());
    return test::run_process(args);
}
std::string plan(const std::string& name) { return test::cca_plan_path(name).string(); }
}  // namespace

// --trace lists every descriptor: kvm01 = REALM_CREATE, 256 RIPAS entries (2 MiB blocks over
// 512 MiB, s2sz 33), 16 DTB granules (the 64 KiB kvmtool blob) and the REC; the last RIM is the result.
TEST(CcaCli, TraceListsEveryDescriptor) {
    const auto r =
        ccvm_run({"measure", "--mode", "cca", "--plan", plan("kvm01_min"), "--output-format", "json", "--trace"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value out = json::parse(r.out);
    const json::Value::array_t& trace = json::get_array(json::at(out, "trace"));
    ASSERT_EQ(trace.size(), 1u + 256 + 16 + 1);
    EXPECT_EQ(json::get_string(trace.front().at("desc")), "realm_create");
    EXPECT_EQ(json::get_string(trace[1].at("desc")), "ripas");
    EXPECT_EQ(json::get_string(trace[1].at("base")), "0x80000000");
    EXPECT_EQ(json::get_string(trace[1].at("top")), "0x80200000");
    EXPECT_EQ(json::get_string(trace[257].at("ipa")), "0x8fe00000");
    EXPECT_EQ(json::get_string(trace.back().at("desc")), "rec");
    EXPECT_EQ(trace.back().at("rim"), json::at(out, "rim"));
    EXPECT_EQ(json::get_string(json::at(out, "rim")), test::expected_rim("cca_rim", "cca-plan-kvm01_min"));
    EXPECT_EQ(json::dump(json::at(out, "ripas_runs")), R"([["0x80000000","0xa0000000","0x200000",256]])");
}

TEST(CcaCli, HexAndBase64PrintTheRim) {
    const std::string want = test::expected_rim("cca_rim", "cca-plan-ll01_create_only_sha256");
    const auto hex = ccvm_run({"measure", "--mode", "cca", "--plan", plan("ll01_create_only_sha256")});
    ASSERT_EQ(hex.exit_code, 0) << hex.err;
    EXPECT_EQ(hex.out, want + "\n");
    const auto b64 =
        ccvm_run({"measure", "--mode", "cca", "--plan", plan("ll01_create_only_sha256"), "--output-format", "base64"});
    EXPECT_EQ(b64.out, to_base64(from_hex(want)) + "\n");
}

// Bad input exits 2 with one line naming what is wrong.
TEST(CcaCli, UsageErrorsExit2) {
    struct Case {
        std::vector<std::string> args;
        std::string needle;
    };
    const std::string dtb = (test::inputs_dir() / "cca" / "kvm01_min.dtb").string();
    const std::vector<Case> cases = {
        {{"--plan", plan("kvm01_min"), "--vmm", "qemu"}, "--vmm"},
        {{"--plan", plan("kvm01_min"), "--append", "console=hvc0"}, "bootargs"},
        {{"--plan", "/nonexistent/plan.json"}, "/nonexistent/plan.json"},
        {{}, "--plan"},
        {{"--vmm", "xen", "--dtb", dtb}, "xen"},
        {{"--vmm", "kvmtool", "--memory", "512M", "--vcpus", "1", "--num-bps", "6", "--num-wps", "6"}, "--dtb"},
        {{"--vmm", "kvmtool", "--dtb", dtb, "--memory", "512M", "--vcpus", "1", "--num-wps", "6"}, "--num-bps"},
        {{"--vmm", "kvmtool", "--dtb", dtb, "--memory", "512M", "--vcpus", "1", "--num-bps", "6", "--num-wps", "6",
          "--hash-algo", "sha384"},
         "sha384"},
        {{"--vmm", "qemu", "--dtb", dtb, "--memory", "1G", "--vcpus", "1", "--num-bps", "6", "--num-wps", "6",
          "--firmware-address", "0x1000"},
         "--firmware"},
    };
    for (const Case& c : cases) {
        std::vector<std::string> args{"measure", "--mode", "cca"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        const auto r = ccvm_run(args);
        EXPECT_EQ(r.exit_code, 2) << c.needle << ": " << r.err;
        EXPECT_NE(r.err.find(c.needle), std::string::npos) << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
    }
}
