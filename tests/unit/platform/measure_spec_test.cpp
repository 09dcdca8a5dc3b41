// measure_spec(): the expected registers of a spec, against the shared reference vectors.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/platform/measure_spec.hpp"
#include "ccvm/platform/tee_family.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "platform_test_util.hpp"

namespace ccvm::platform {
namespace {

// A register's value as the reference vectors write it: lowercase hex, or null when not computed.
json::Value hex_or_null(const Registers& regs, const std::string& name) {
    const auto it = regs.values.find(name);
    return it == regs.values.end() ? json::Value() : json::Value(to_hex(it->second));
}

bool reported(const Registers& regs, const std::string& name) {
    return regs.values.contains(name) || regs.not_computed.contains(name);
}

// Translates a `ccvm measure --mode sev|seves|snp` vector case into the equivalent spec; nullopt
// for cases using flags a spec does not express (sweeps, precomputed hashes, SVSM, traces).
std::optional<std::string> spec_for_case(const json::Value::array_t& argv) {
    std::map<std::string, std::string> flags;
    for (std::size_t i = 1; i + 1 < argv.size(); i += 2)
        flags[json::get_string(argv[i])] = test::substitute(json::get_string(argv[i + 1]));
    if (argv.size() % 2 == 0) return std::nullopt;  // a bare flag
    static const std::map<std::string, std::string> tees = {
        {"sev", "sev"}, {"seves", "sev-es"}, {"snp", "sev-snp"}, {"csv", "csv"}};
    if (!tees.contains(flags["--mode"])) return std::nullopt;
    for (const auto& [flag, value] : flags) {
        static const std::set<std::string> known = {"--mode",     "--ovmf",           "--kernel",      "--initrd",
                                                    "--append",   "--vcpus",          "--vcpu-type",   "--vcpu-sig",
                                                    "--vmm-type", "--guest-features", "--vmsa-profile"};
        if (!known.contains(flag)) return std::nullopt;
    }
    std::string tee = tees.at(flags["--mode"]);
    std::string y = "name: vector\nmemory: 2G\nfirmware: " + flags["--ovmf"] + "\n";
    if (flags.contains("--vcpus")) y += "vcpus: " + flags["--vcpus"] + "\n";
    if (flags.contains("--vcpu-type")) y += "cpu-model: " + flags["--vcpu-type"] + "\n";
    if (flags.contains("--kernel")) y += "kernel: " + flags["--kernel"] + "\n";
    if (flags.contains("--initrd")) y += "initrd: " + flags["--initrd"] + "\n";
    if (flags.contains("--append")) y += "cmdline: " + json::escape(flags["--append"]) + "\n";
    y += "tee:\n  type: " + tee + "\n";
    if (flags.contains("--kernel")) y += "  kernel-hashes: true\n";
    if (flags.contains("--guest-features") && tee == "sev-snp")
        y += "  guest-features: " + flags["--guest-features"] + "\n";
    std::string host;
    if (flags.contains("--vmm-type")) host += "  vmm-type: " + flags["--vmm-type"] + "\n";
    if (flags.contains("--vmsa-profile")) host += "  vmsa-profile: " + flags["--vmsa-profile"] + "\n";
    if (flags.contains("--vcpu-sig")) host += "  vcpu-signature: " + flags["--vcpu-sig"] + "\n";
    return host.empty() ? y : y + "host:\n" + host;
}

int check_launch_digest_cases(const char* vector_file) {
    json::Value file = json::parse(read_text_file(test::vectors_dir() / vector_file), vector_file);
    int checked = 0;
    for (const json::Value& c : json::get_array(json::at(file, "cases"))) {
        if (json::at(c, "exit_code") != json::Value(0)) continue;
        const json::Value* out = json::find(json::at(c, "expect"), "stdout");
        if (out == nullptr) continue;
        auto yaml = spec_for_case(json::get_array(json::at(c, "argv")));
        if (!yaml) continue;
        SCOPED_TRACE(json::get_string(json::at(c, "id")));
        const Measurement m = measure_spec(parse_vm_spec(*yaml, json::get_string(json::at(c, "id"))));
        std::string expected = json::get_string(*out);
        while (!expected.empty() && expected.back() == '\n') expected.pop_back();
        EXPECT_EQ(hex_or_null(m.registers, "launch_digest"), json::Value(expected));
        ++checked;
    }
    return checked;
}

TEST(MeasureSpec, SevFamilyMatchesTheReferenceVectors) {
    EXPECT_GE(check_launch_digest_cases("sev_measure.json"), 50);  // most SEV/SEV-ES/SNP cases fit a spec
}

TEST(MeasureSpec, CsvMatchesTheReferenceModel) {
    EXPECT_EQ(check_launch_digest_cases("csv_model.json"), 3);
    // Hygon QEMU target/i386/csv.c: generic OVMF has an empty hash-table area, so kernel hashes are refused.
    std::string yaml =
        "name: c\nmemory: 1G\nfirmware: " + (test::inputs_dir() / "firmware" / "debian12" / "OVMF.fd").string() +
        "\nkernel: " + (test::gen_dir() / "csv-kernel.bin").string() + "\ntee:\n  type: csv\n  kernel-hashes: true\n";
    EXPECT_THROW(measure_spec(parse_vm_spec(yaml, "c.yaml")), InputError);
}

// `ccvm measure --mode cca --vmm qemu ...` cases as realm specs (the XML runs QEMU's virt machine).
std::optional<std::string> cca_spec_for_case(const json::Value::array_t& argv) {
    std::map<std::string, std::string> flags;
    bool measurement_log = false, lpa2 = false;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const std::string& f = json::get_string(argv[i]);
        if (f == "--measurement-log")
            measurement_log = true;
        else if (f == "--lpa2")
            lpa2 = true;
        else if (i + 1 < argv.size())
            flags[f] = test::substitute(json::get_string(argv[++i]));
    }
    if (flags["--mode"] != "cca" || flags["--vmm"] != "qemu") return std::nullopt;
    static const std::set<std::string> known = {"--mode",      "--vmm",      "--kernel",      "--initrd",
                                                "--firmware",  "--dtb",      "--memory",      "--vcpus",
                                                "--hash-algo", "--ipa-bits", "--sve-vl",      "--pmu-counters",
                                                "--num-bps",   "--num-wps",  "--rmm-version", "--output-format"};
    for (const auto& [flag, value] : flags)
        if (!known.contains(flag)) return std::nullopt;
    if (flags.contains("--hash-algo") && flags["--hash-algo"] == "sha384") return std::nullopt;
    std::string y = "name: realm\nmemory: " + flags["--memory"] + "\nvcpus: " + flags["--vcpus"] + "\n";
    if (flags.contains("--kernel")) y += "kernel: " + flags["--kernel"] + "\n";
    if (flags.contains("--initrd")) y += "initrd: " + flags["--initrd"] + "\n";
    if (flags.contains("--firmware")) y += "firmware: " + flags["--firmware"] + "\n";
    y += "tee:\n  type: cca\n  dtb: " + flags["--dtb"] + "\n";
    if (flags.contains("--hash-algo")) y += "  hash-algo: " + flags["--hash-algo"] + "\n";
    if (measurement_log) y += "  measurement-log: true\n";
    y += "host:\n  num-bps: " + flags["--num-bps"] + "\n  num-wps: " + flags["--num-wps"] + "\n";
    if (lpa2) y += "  lpa2: true\n";
    for (const char* k : {"ipa-bits", "sve-vl", "pmu-counters"})
        if (flags.contains(std::string("--") + k))
            y += std::string("  ") + k + ": " + flags[std::string("--") + k] + "\n";
    if (flags.contains("--rmm-version")) y += "  rmm-version: \"" + flags["--rmm-version"] + "\"\n";
    return y;
}

TEST(MeasureSpec, CcaMatchesTheReferenceVectors) {
    json::Value file = json::parse(read_text_file(test::vectors_dir() / "cca_rim.json"), "cca_rim.json");
    int checked = 0;
    for (const json::Value& c : json::get_array(json::at(file, "cases"))) {
        const json::Value* expected = json::find(json::at(c, "expect"), "json");
        auto yaml = cca_spec_for_case(json::get_array(json::at(c, "argv")));
        if (json::at(c, "exit_code") != json::Value(0) || expected == nullptr || !yaml) continue;
        SCOPED_TRACE(json::get_string(json::at(c, "id")));
        const Measurement m = measure_spec(parse_vm_spec(*yaml, json::get_string(json::at(c, "id"))));
        EXPECT_EQ(hex_or_null(m.registers, "rim"), json::at(*expected, "rim"));
        ++checked;
    }
    EXPECT_GE(checked, 3);
}

// The same for `ccvm measure --mode tdx ... --output-format json` cases.
std::optional<std::string> tdx_spec_for_case(const json::Value::array_t& argv) {
    std::map<std::string, std::string> flags;
    for (std::size_t i = 1; i + 1 < argv.size(); i += 2)
        flags[json::get_string(argv[i])] = test::substitute(json::get_string(argv[i + 1]));
    if (argv.size() % 2 == 0 || flags["--mode"] != "tdx") return std::nullopt;
    static const std::set<std::string> known = {
        "--mode",  "--ovmf",     "--kernel",       "--initrd",       "--append",         "--memory",
        "--vcpus", "--acpi-dir", "--edk2-version", "--qemu-version", "--page-add-order", "--output-format"};
    for (const auto& [flag, value] : flags)
        if (!known.contains(flag)) return std::nullopt;
    // Registers that do not depend on RAM (MRTD) are checked with any size.
    std::string y = "name: vector\ntee: tdx\nmemory: " + (flags.contains("--memory") ? flags["--memory"] : "2G") +
                    "\nfirmware: " + flags["--ovmf"] + "\n";
    if (flags.contains("--vcpus")) y += "vcpus: " + flags["--vcpus"] + "\n";
    if (flags.contains("--kernel")) y += "kernel: " + flags["--kernel"] + "\n";
    if (flags.contains("--initrd")) y += "initrd: " + flags["--initrd"] + "\n";
    if (flags.contains("--append")) y += "cmdline: " + json::escape(flags["--append"]) + "\n";
    std::string host;
    if (flags.contains("--acpi-dir")) host += "  acpi-dir: " + flags["--acpi-dir"] + "\n";
    if (flags.contains("--edk2-version")) host += "  edk2-version: \"" + flags["--edk2-version"] + "\"\n";
    if (flags.contains("--qemu-version")) host += "  qemu-version: \"" + flags["--qemu-version"] + "\"\n";
    if (flags.contains("--page-add-order")) host += "  page-add-order: " + flags["--page-add-order"] + "\n";
    return host.empty() ? y : y + "host:\n" + host;
}

TEST(MeasureSpec, TdxMatchesTheReferenceVectors) {
    json::Value file = json::parse(read_text_file(test::vectors_dir() / "tdx_measure.json"), "tdx_measure.json");
    int checked = 0;
    for (const json::Value& c : json::get_array(json::at(file, "cases"))) {
        if (json::at(c, "exit_code") != json::Value(0)) continue;
        const json::Value* expected = json::find(json::at(c, "expect"), "json");
        auto yaml = tdx_spec_for_case(json::get_array(json::at(c, "argv")));
        if (expected == nullptr || !yaml) continue;
        SCOPED_TRACE(json::get_string(json::at(c, "id")));
        const Measurement m = measure_spec(parse_vm_spec(*yaml, json::get_string(json::at(c, "id"))));
        for (const auto& [reg, value] : json::get_object(*expected)) {
            if (!reported(m.registers, reg)) continue;  // not a register (event log, ...)
            EXPECT_EQ(hex_or_null(m.registers, reg), value) << reg;
            ++checked;
        }
    }
    EXPECT_GE(checked, 20);
}

TEST(MeasureSpec, ReportsEveryRegisterOfTheFamily) {
    VmSpec s = parse_vm_spec(
        "name: t\nmemory: 1G\nfirmware: " + (test::inputs_dir() / "firmware" / "debian13" / "OVMF.fd").string() +
            "\ntee: tdx\nhost:\n  page-add-order: single-pass\n",
        "t");
    const Measurement m = measure_spec(s);
    EXPECT_EQ(m.name, "t");
    EXPECT_EQ(m.tee, TeeKind::tdx);
    const std::vector<std::string> names = register_names(TeeKind::tdx);
    EXPECT_EQ(names, (std::vector<std::string>{"mrtd", "rtmr0", "rtmr1", "rtmr2", "rtmr3"}));
    EXPECT_EQ(m.registers.values.size() + m.registers.not_computed.size(), names.size());
    for (const std::string& name : names)
        EXPECT_NE(m.registers.values.contains(name), m.registers.not_computed.contains(name)) << name;
    ASSERT_TRUE(m.registers.values.contains("mrtd"));  // MRTD needs only the firmware
    EXPECT_EQ(m.registers.values.at("mrtd").size(), 48u);
    // Intel TDX module spec, RTMR: firmware never extends RTMR3.
    EXPECT_EQ(m.registers.values.at("rtmr3"), Bytes(48, std::byte{0}));
    EXPECT_TRUE(m.registers.not_computed.contains("rtmr0"));  // needs the host's ACPI tables and edk2 version
}

TEST(MeasureSpec, CcaRemsAreNotLaunchValues) {
    EXPECT_EQ(register_names(TeeKind::cca), (std::vector<std::string>{"rim", "rem0", "rem1", "rem2", "rem3"}));
    const Measurement m = measure_spec(parse_vm_spec(
        "name: r\nmemory: 1G\nkernel: " + (test::gen_dir() / "csv-kernel.bin").string() + "\ntee: cca\n", "t"));
    EXPECT_EQ(m.tee, TeeKind::cca);
    EXPECT_TRUE(m.registers.values.empty());
    ASSERT_EQ(m.registers.not_computed.size(), 5u);
    EXPECT_NE(m.registers.not_computed.at("rim").find("tee.dtb"), std::string::npos);
    for (const char* rem : {"rem0", "rem1", "rem2", "rem3"})
        EXPECT_NE(m.registers.not_computed.at(rem).find("RSI_MEASUREMENT_EXTEND"), std::string::npos) << rem;
}

TEST(MeasureSpec, Csv2CannotBePrecomputed) {
    const Measurement m = measure_spec(parse_vm_spec(
        "name: c\nmemory: 1G\nfirmware: " + (test::inputs_dir() / "firmware" / "debian12" / "OVMF.fd").string() +
            "\ntee: csv2\n",
        "t"));
    EXPECT_FALSE(m.registers.values.contains("launch_digest"));
    EXPECT_NE(m.registers.not_computed.at("launch_digest").find("cannot be precomputed"), std::string::npos);
}

TEST(MeasureSpec, SevEsWithoutVcpuSignatureSaysWhy) {
    const Measurement m = measure_spec(parse_vm_spec(
        "name: e\nmemory: 1G\nfirmware: " + (test::inputs_dir() / "firmware" / "debian12" / "OVMF.fd").string() +
            "\ntee: sev-es\n",
        "t"));
    EXPECT_FALSE(m.registers.values.contains("launch_digest"));
    EXPECT_EQ(m.registers.not_computed.at("launch_digest"),
              "the VMSA holds the vCPU signature: set cpu-model (a QEMU EPYC model) or host.vcpu-signature");
}

TEST(MeasureSpec, PlainGuestHasNoRegisters) {
    const Measurement m = measure_spec(parse_vm_spec("name: p\nmemory: 1G\nkernel: /k\n", "t"));
    EXPECT_EQ(m, (Measurement{"p", TeeKind::none, Registers{}, std::nullopt}));
}

}  // namespace
}  // namespace ccvm::platform
