// `ccvm measure` SEV-family extensions through the real binary: JSON output, traces, diff, sweeps,
// VMSA dumps and the actionable errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ccvm/firmware-measure/hash.hpp"
#include "sev_vectors.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace ccvm;
namespace vec = ccvm::test::sev_vectors;

namespace {

test::ProcessResult ccvm_run(std::vector<std::string> args) {
    args.insert(args.begin(), test::ccvm_cli().string());
    for (auto& a : args) a = test::substitute(a);
    return test::run_process(args);
}

// stdout of a sev_measure.json case (the reference tool's output).
std::string case_stdout(const std::string& id) {
    static const json::Value doc = json::parse(read_text_file(test::vectors_dir() / "sev_measure.json"));
    for (const auto& c : json::get_array(json::at(doc, "cases")))
        if (json::get_string(json::at(c, "id")) == id)
            return json::get_string(json::at(json::at(c, "expect"), "stdout"));
    throw std::runtime_error("no case " + id);
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

void write(const std::filesystem::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

const std::string kDebOvmf = "@inputs/firmware/debian12/OVMF.fd";

}  // namespace

TEST(MeasureCli, JsonCarriesDigestAndInputIdentities) {
    auto r = ccvm_run({"measure", "--mode", "snp", "--vcpus", "4", "--vcpu-type", "EPYC-v4", "--ovmf", kDebOvmf,
                       "--output-format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto v = json::parse(r.out);
    EXPECT_EQ(json::get_string(json::at(v, "digest")), case_stdout("snp-qemu-deb-EPYC-v4-4"));
    // SEV without a kernel measures exactly the firmware, so the sev case is the file's SHA-256.
    EXPECT_EQ(json::get_string(json::at(json::at(json::at(v, "inputs"), "ovmf"), "sha256")), case_stdout("sev-deb"));
    EXPECT_EQ(json::get_string(json::at(json::at(v, "inputs"), "vcpu_sig")), "0x800f12");
    const auto& sections = json::get_array(json::at(json::at(v, "firmware"), "sections"));
    const auto& want = json::get_array(json::at(vec::primitive("sev-ovmf-footer.OVMF.fd"), "sev_metadata"));
    ASSERT_EQ(sections.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(json::get_string(sections[i].at("type")), json::get_string(want[i].at("type")));
        EXPECT_EQ(json::get_u64(sections[i].at("gpa")), json::get_u64(want[i].at("gpa")));
    }
}

TEST(MeasureCli, JsonKernelHashesMatchTablePrimitive) {
    auto r = ccvm_run({"measure", "--mode", "sev", "--ovmf", "@inputs/firmware/fixtures/ovmf_AmdSev_suffix.bin",
                       "--kernel", "@gen/vmlinuz-synth", "--output-format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto v = json::parse(r.out);
    const auto& p = vec::primitive("sev-hashes-table.k-only");
    EXPECT_EQ(json::get_string(json::at(v, "digest")), case_stdout("sev-fix-konly"));
    EXPECT_EQ(json::get_string(json::at(json::at(json::at(v, "inputs"), "kernel"), "sha256")),
              json::get_string(json::at(p, "kernel_sha256")));
    EXPECT_EQ(json::get_string(json::at(json::at(v, "kernel_hashes"), "cmdline_sha256")),
              json::get_string(json::at(p, "cmdline_sha256")));
}

TEST(MeasureCli, TraceMatchesPageTracePrimitiveAndDiffFindsVmsaStep) {
    const std::vector<std::string> base = {"measure",
                                           "--mode",
                                           "snp",
                                           "--vcpus",
                                           "2",
                                           "--ovmf",
                                           "@inputs/firmware/fixtures/ovmf_AmdSev_suffix.bin",
                                           "--kernel",
                                           "@gen/vmlinuz-synth",
                                           "--initrd",
                                           "@gen/initrd-synth.img",
                                           "--append",
                                           "console=ttyS0 root=/dev/vda",
                                           "--trace"};
    auto milan = base, v4 = base;
    milan.insert(milan.end(), {"--vcpu-type", "EPYC-Milan"});
    v4.insert(v4.end(), {"--vcpu-type", "EPYC-v4"});
    auto a = ccvm_run(milan);
    auto b = ccvm_run(v4);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    const auto& p = vec::primitive("sev-snp-page-trace.snp-qemu-fix-kia-syn-EPYC-Milan-2");
    const auto la = lines(a.out);
    const auto& updates = json::get_array(json::at(p, "updates"));
    ASSERT_EQ(la.size(), updates.size() + 2);  // header, steps, digest
    for (std::size_t i = 0; i < updates.size(); ++i) {
        std::istringstream f(la[i + 1]);
        std::string idx, type, gpa, contents, ld;
        f >> idx >> type >> gpa >> contents >> ld;
        EXPECT_EQ(std::stoull(gpa, nullptr, 16), json::get_u64(updates[i].at("gpa"))) << i;
        EXPECT_EQ(contents, json::get_string(updates[i].at("contents_hex"))) << i;
        EXPECT_EQ(ld, json::get_string(updates[i].at("ld_after"))) << i;
    }
    EXPECT_EQ(la.back(), json::get_string(json::at(p, "final_ld")));

    const ccvm::test::TempDir tmp;
    const std::filesystem::path& dir = tmp.path();
    write(dir / "a.trace", a.out);
    write(dir / "b.trace", b.out);
    auto same = ccvm_run({"measure", "diff", (dir / "a.trace").string(), (dir / "a.trace").string()});
    EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
    auto diff = ccvm_run({"measure", "diff", (dir / "a.trace").string(), (dir / "b.trace").string()});
    EXPECT_EQ(diff.exit_code, 1) << diff.err;
    EXPECT_NE(diff.out.find("first difference at step 32"), std::string::npos) << diff.out;  // the BSP VMSA
    EXPECT_NE(diff.out.find("VMSA"), std::string::npos) << diff.out;
}

TEST(MeasureCli, DiffOfJsonOutputsNamesTheInput) {
    const ccvm::test::TempDir tmp;
    const std::filesystem::path& dir = tmp.path();
    for (const std::string t : {"EPYC-v4", "EPYC-Milan"}) {
        auto r = ccvm_run({"measure", "--mode", "seves", "--vcpus", "2", "--vcpu-type", t, "--ovmf", kDebOvmf,
                           "--output-format", "json"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        write(dir / (t + ".json"), r.out);
    }
    auto d = ccvm_run({"measure", "diff", (dir / "EPYC-v4.json").string(), (dir / "EPYC-Milan.json").string()});
    EXPECT_EQ(d.exit_code, 1);
    EXPECT_NE(d.out.find("inputs.vcpu_type"), std::string::npos) << d.out;
}

TEST(MeasureCli, SweepEqualsSingleRuns) {
    auto r = ccvm_run(
        {"measure", "--mode", "snp", "--sweep-vcpus", "1-64", "--vcpu-type", "EPYC-Milan", "--ovmf", kDebOvmf});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto l = lines(r.out);
    ASSERT_EQ(l.size(), 64u);
    EXPECT_EQ(l[0], "1 " + case_stdout("snp-qemu-deb-EPYC-Milan-1"));
    EXPECT_EQ(l[3], "4 " + case_stdout("snp-qemu-deb-EPYC-Milan-4"));
    EXPECT_EQ(l[63], "64 " + case_stdout("snp-qemu-deb-EPYC-Milan-64"));

    auto es = ccvm_run(
        {"measure", "--mode", "seves", "--sweep-vcpus", "4-64", "--vcpu-type", "EPYC-Genoa", "--ovmf", kDebOvmf});
    ASSERT_EQ(es.exit_code, 0) << es.err;
    const auto le = lines(es.out);
    ASSERT_EQ(le.size(), 61u);
    EXPECT_EQ(le.front(), "4 " + case_stdout("seves-qemu-deb-EPYC-Genoa-4"));
    EXPECT_EQ(le.back(), "64 " + case_stdout("seves-qemu-deb-EPYC-Genoa-64"));
}

TEST(MeasureCli, DumpVmsaWritesTheMeasuredPages) {
    const ccvm::test::TempDir tmp;
    const std::filesystem::path& dir = tmp.path();
    auto r = ccvm_run({"measure", "--mode", "snp", "--vcpus", "3", "--vcpu-type", "EPYC-v4", "--ovmf", kDebOvmf,
                       "--dump-vmsa", (dir / "out").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto& p = vec::primitive("sev-vmsa.qemu-snp-EPYC-v4-gf0x1-ovmfdeb");
    EXPECT_EQ(vec::hex(sha384(read_file(dir / "out" / "vmsa0.bin"))), json::get_string(json::at(p, "bsp_sha384")));
    EXPECT_EQ(vec::hex(sha384(read_file(dir / "out" / "vmsa1.bin"))), json::get_string(json::at(p, "ap_sha384")));
    EXPECT_EQ(vec::hex(sha384(read_file(dir / "out" / "vmsa2.bin"))), json::get_string(json::at(p, "ap_sha384")));
    EXPECT_FALSE(std::filesystem::exists(dir / "out" / "vmsa3.bin"));
}

TEST(MeasureCli, LegacyProfileGivesLibvirtDigest) {
    auto r = ccvm_run({"measure", "--mode", "seves", "--vcpus", "2", "--vcpu-family", "23", "--vcpu-model", "1",
                       "--vcpu-stepping", "2", "--ovmf", kDebOvmf, "--vmsa-profile", "legacy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines(r.out).at(0), json::get_string(json::at(vec::primitive("sev-seves-legacy-vs-modern-vmsa"),
                                                            "legacy_digest_libvirt_virt_qemu_sev_validate_9.0.0")));
}

TEST(MeasureCli, ErrorsSayWhatToDo) {
    auto unknown =
        ccvm_run({"measure", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-Bergamo", "--ovmf", kDebOvmf});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("EPYC-Genoa"), std::string::npos) << unknown.err;  // lists the known types

    auto kernel = ccvm_run({"measure", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf", kDebOvmf,
                            "--kernel", "@gen/vmlinuz-synth"});
    EXPECT_EQ(kernel.exit_code, 2);
    EXPECT_NE(kernel.err.find("AmdSevX64"), std::string::npos) << kernel.err;

    const ccvm::test::TempDir tmp;
    const std::filesystem::path& dir = tmp.path();
    const Bytes deb = read_file(test::substitute(kDebOvmf));
    write(dir / "truncated.fd", std::string(reinterpret_cast<const char*>(deb.data()), deb.size() - 100));
    auto trunc = ccvm_run({"measure", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf",
                           (dir / "truncated.fd").string()});
    EXPECT_EQ(trunc.exit_code, 2);
    EXPECT_NE(trunc.err.find("truncated.fd"), std::string::npos) << trunc.err;

    write(dir / "notovmf.bin", std::string(8192, 'x'));
    auto nofooter = ccvm_run({"measure", "--mode", "seves", "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf",
                              (dir / "notovmf.bin").string()});
    EXPECT_EQ(nofooter.exit_code, 2);
    EXPECT_NE(nofooter.err.find("no OVMF footer table"), std::string::npos) << nofooter.err;

    auto hash = ccvm_run({"measure", "--mode", "sev", "--ovmf", kDebOvmf, "--snp-ovmf-hash", std::string(96, '0')});
    EXPECT_EQ(hash.exit_code, 2);
    EXPECT_EQ(
        hash.err,
        "ccvm: error: --snp-ovmf-hash is not a flag of measure --mode sev (it belongs to --mode snp, snp:ovmf-hash)\n");
    // snp:ovmf-hash computes the hash itself and ignores a given one, as sev-snp-measure does.
    auto computed = ccvm_run({"measure", "--mode", "snp:ovmf-hash", "--ovmf", kDebOvmf});
    auto ignored =
        ccvm_run({"measure", "--mode", "snp:ovmf-hash", "--ovmf", kDebOvmf, "--snp-ovmf-hash", std::string(96, '0')});
    ASSERT_EQ(computed.exit_code, 0) << computed.err;
    EXPECT_EQ(ignored.exit_code, 0) << ignored.err;
    EXPECT_EQ(ignored.out, computed.out);
    EXPECT_NE(computed.out, std::string(96, '0') + "\n");
}
