// `ccvm spec validate|render` and `ccvm measure SPEC` through the real binary: output and exit codes.
#include <gtest/gtest.h>

#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "platform_test_util.hpp"

namespace ccvm::test {
namespace {

ProcessResult ccvm(std::vector<std::string> args) {
    args.insert(args.begin(), ccvm_cli().string());
    return run_process(args);
}

std::string example(const std::string& name) { return (source_dir() / "configs" / "examples" / name).string(); }

TEST(SpecCli, ValidateYamlOnly) {
    auto r = ccvm({"spec", "validate", "--no-files", example("sev-snp.yaml")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, example("sev-snp.yaml") + ": ok (snp-guest, tee sev-snp)\n");
}

TEST(SpecCli, ValidateChecksTheNamedFiles) {
    auto r = ccvm({"spec", "validate", example("sev-snp.yaml")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "ccvm: error: " + example("sev-snp.yaml") +
                         ":16:5: disks[0].file: /var/lib/ccvm/images/snp-root.qcow2 does not exist\n");

    TempDir dir;
    auto disk = dir.write("root.img", "disk");
    auto spec = dir.write("ok.yaml", "name: ok\nmemory: 1G\ndisks:\n  - file: " + disk.string() + "\n");
    r = ccvm({"spec", "validate", spec.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(SpecCli, BadSpecIsExitTwoWithPosition) {
    TempDir dir;
    auto spec = dir.write("bad.yaml", "name: x\nmemory: 1G\nkernel: /k\ntee:\n  type: sev\n  policy: 0x5\n");
    for (const char* cmd : {"validate", "render"}) {
        auto r = ccvm({"spec", cmd, spec.string()});
        EXPECT_EQ(r.exit_code, 2);
        EXPECT_EQ(r.err, "ccvm: error: " + spec.string() +
                             ":6:11: tee.policy: policy 0x5 sets the ES bit (0x4): use tee type sev-es\n");
    }
    // measure SPEC and attest verify-report --spec read the file the same way and name it the same.
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"measure", spec.string()},
             {"attest", "verify-report", "--mode", "snp", "--report", spec.string(), "--spec", spec.string()}}) {
        auto m = ccvm(args);
        EXPECT_EQ(m.exit_code, 2) << args[0];
        EXPECT_EQ(m.err, "ccvm: error: " + spec.string() +
                             ":6:11: tee.policy: policy 0x5 sets the ES bit (0x4): use tee type sev-es\n");
    }
    auto r = ccvm({"spec", "validate", (dir.path() / "missing.yaml").string()});
    EXPECT_EQ(r.exit_code, 2);
}

TEST(SpecCli, RenderPrintsTheGoldenXml) {
    auto r = ccvm({"spec", "render", example("tdx.yaml")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, read_text_file(source_dir() / "tests" / "unit" / "platform" / "golden" / "tdx.xml"));
}

TEST(SpecCli, MeasureTheBundledSnpExample) {
    // The README's first command, with the firmware of the reference vector snp-qemu-deb-EPYC-v4-4.
    std::string yaml = read_text_file(example("sev-snp.yaml"));
    const std::string fw = "/usr/share/ovmf/OVMF.fd";
    yaml.replace(yaml.find(fw), fw.size(), (inputs_dir() / "firmware" / "debian12" / "OVMF.fd").string());
    TempDir dir;
    auto spec = dir.write("snp.yaml", yaml);
    auto r = ccvm({"measure", spec.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json::Value out = json::parse(r.out, "ccvm measure output");
    json::Value vectors = json::parse(read_text_file(vectors_dir() / "sev_measure.json"), "sev_measure.json");
    std::string expected;
    for (const json::Value& c : json::get_array(json::at(vectors, "cases")))
        if (json::get_string(json::at(c, "id")) == "snp-qemu-deb-EPYC-v4-4")
            expected = json::get_string(json::at(json::at(c, "expect"), "stdout"));
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(json::at(json::at(out, "registers"), "launch_digest"), json::Value(expected));
    EXPECT_EQ(json::at(out, "tee"), json::Value("sev-snp"));

    r = ccvm({"measure", spec.string(), "--mode", "snp"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "ccvm: error: measure: give either a spec file or --mode, not both\n");
}

}  // namespace
}  // namespace ccvm::test
