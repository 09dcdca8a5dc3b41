// Usage errors of the real ccvm binary: flags of another --mode are refused by name, and a mistyped
// command or flag is answered with the closest known one. Every case exits 2 with one stderr line
// and prints nothing on stdout.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/paths.hpp"
#include "support/process.hpp"

namespace ccvm::test {
namespace {

struct Case {
    std::vector<std::string> args;
    std::string err;  // the whole of stderr
};

void expect_usage_error(const Case& c) {
    std::vector<std::string> argv{ccvm_cli().string()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const ProcessResult r = run_process(argv);
    std::string cmdline;
    for (const std::string& a : c.args) cmdline += " " + a;
    EXPECT_EQ(r.exit_code, 2) << "ccvm" << cmdline;
    EXPECT_EQ(r.err, c.err) << "ccvm" << cmdline;
    EXPECT_EQ(r.out, "") << "ccvm" << cmdline;
}

// The files named do not exist: the flag check comes before any input is read.
TEST(ModeFlags, EveryModeCommandRefusesAnotherModesFlag) {
    const std::vector<Case> cases = {
        {{"measure", "--mode", "snp", "--ovmf", "OVMF.fd", "--dtb", "/nonexistent", "--num-bps", "3"},
         "ccvm: error: --dtb is not a flag of measure --mode snp (it belongs to --mode cca)\n"},
        {{"measure", "--mode", "sev", "--ovmf", "OVMF.fd", "--vcpus", "4"},
         "ccvm: error: --vcpus is not a flag of measure --mode sev (it belongs to --mode seves, snp, snp:svsm, tdx, "
         "csv, csv2, csv3, cca)\n"},
        {{"measure", "--mode", "tdx", "--ovmf", "TDVF.fd", "--vcpu-type", "EPYC-v4"},
         "ccvm: error: --vcpu-type is not a flag of measure --mode tdx (it belongs to --mode seves, snp, snp:svsm)\n"},
        {{"measure", "--mode", "snp:svsm", "--ovmf", "OVMF.fd", "--svsm", "svsm.bin", "--vcpus", "1", "--kernel",
          "vmlinuz"},
         "ccvm: error: --kernel is not a flag of measure --mode snp:svsm (it belongs to --mode sev, seves, snp, tdx, "
         "csv, csv2, csv3, cca)\n"},
        {{"measure", "--mode", "csv2", "--ovmf", "OVMF.fd", "--memory", "1G"},
         "ccvm: error: --memory is not a flag of measure --mode csv2 (it belongs to --mode tdx, cca)\n"},
        {{"measure", "--mode", "cca", "--ovmf", "OVMF.fd"},
         "ccvm: error: --ovmf is not a flag of measure --mode cca: pass the realm firmware with --firmware\n"},
        {{"measure", "--mode", "cca", "--plan", "plan.json", "--append", "console=ttyAMA0"},
         "ccvm: error: --append is not a flag of measure --mode cca: the command line is the DTB's /chosen/bootargs, "
         "so pass that DTB\n"},
        {{"attest", "verify-report", "--mode", "tdx", "--quote", "quote.dat", "--vcek", "vcek.pem"},
         "ccvm: error: --vcek is not a flag of attest verify-report --mode tdx (it belongs to --mode snp)\n"},
        {{"attest", "verify-report", "--mode", "cca", "--token", "token.cbor", "--expected-mrtd", "00"},
         "ccvm: error: --expected-mrtd is not a flag of attest verify-report --mode cca (it belongs to --mode tdx)\n"},
        {{"attest",   "verify-launch", "--mode", "sev",         "--tik",   "tik.bin",    "--measurement",
          "AA==",     "--api-major",   "0",      "--api-minor", "24",      "--build-id", "15",
          "--policy", "0x1",           "--ovmf", "OVMF.fd",     "--vcpus", "2"},
         "ccvm: error: --vcpus is not a flag of attest verify-launch --mode sev (it belongs to --mode seves)\n"},
        {{"session", "--mode", "sev", "--pdh", "pdh.cert", "--policy", "0x1", "--share-key", "00"},
         "ccvm: error: --share-key is not a flag of session --mode sev (it belongs to --mode csv)\n"},
        {{"secret", "build", "--mode", "csv", "--tek", "tek.bin", "--tik", "tik.bin", "--measurement",
          "AA==", "--secret", "luks-key=key.bin", "--api-major", "1"},
         "ccvm: error: --api-major is not a flag of secret build --mode csv (it belongs to --mode sev)\n"},
    };
    for (const Case& c : cases) expect_usage_error(c);
}

TEST(ModeFlags, SevSecretBuildStillNeedsTheApiVersion) {
    expect_usage_error({{"secret", "build", "--tek", "tek.bin", "--tik", "tik.bin", "--measurement", "AA==", "--secret",
                         "luks-key=key.bin", "--api-minor", "24"},
                        "ccvm: error: secret build --mode sev: --api-major is required\n"});
}

TEST(Typos, UnknownCommandsAndFlagsNameTheClosestOne) {
    const std::vector<Case> cases = {
        {{"mesure", "--mode", "snp"}, "ccvm: error: unknown command 'mesure'; did you mean 'measure'?\n"},
        {{"stauts", "vm1"}, "ccvm: error: unknown command 'stauts'; did you mean 'status'?\n"},
        {{"secret", "biuld"}, "ccvm: error: unknown command 'secret biuld'; did you mean 'secret build'?\n"},
        {{"attest", "verify-reprot", "--mode", "snp"},
         "ccvm: error: unknown command 'attest verify-reprot'; did you mean 'attest verify-report'?\n"},
        {{"measure", "--mdoe", "snp"}, "ccvm: error: unknown flag '--mdoe' of measure; did you mean '--mode'?\n"},
        {{"measure", "--mode", "snp", "--vcpu", "2"},
         "ccvm: error: unknown flag '--vcpu' of measure; did you mean '--vcpus'?\n"},
        {{"attest", "verify-report", "--mode", "snp", "--reprot=r.bin"},
         "ccvm: error: unknown flag '--reprot' of attest verify-report; did you mean '--report'?\n"},
        {{"xyzzy"}, "ccvm: error: unknown command 'xyzzy' (see ccvm --help)\n"},
        {{"measure", "--mode", "csv", "--vmsa-file", "a.bin", "b.bin", "--frobnicate"},
         "ccvm: error: unknown flag '--frobnicate' of measure (see ccvm measure --help)\n"},
    };
    for (const Case& c : cases) expect_usage_error(c);
}

}  // namespace
}  // namespace ccvm::test
