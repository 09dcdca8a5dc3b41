#include <gtest/gtest.h>

#include <fstream>

#include "cca_test_support.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/firmware-measure/cca/kvmtool_layout.hpp"
#include "ccvm/firmware-measure/cca/qemu_virt_layout.hpp"
#include "ccvm/firmware-measure/cca/replay.hpp"

using namespace ccvm;
using namespace ccvm::cca;

namespace {
std::filesystem::path input(const std::string& name) { return test::inputs_dir() / "cca" / name; }

// Compares the generated plan with the shipped one: parameters, every address and the REC.
void expect_same_layout(const Plan& got, const std::string& plan_name) {
    const Plan want = load_plan(test::cca_plan_path(plan_name));
    EXPECT_EQ(json::at(to_json(got), "realm_params"), json::at(to_json(want), "realm_params")) << plan_name;
    EXPECT_EQ(got.realm_params.hash_algo, want.realm_params.hash_algo) << plan_name;
    ASSERT_EQ(got.ops.size(), want.ops.size()) << plan_name;
    for (std::size_t i = 0; i < got.ops.size(); ++i) {
        const json::Value g = json::get_array(json::at(to_json(got), "ops"))[i],
                          w = json::get_array(json::at(to_json(want), "ops"))[i];
        EXPECT_EQ(json::at(g, "op"), json::at(w, "op")) << plan_name << " op " << i;
        for (const char* key : {"base", "top", "ipa", "size", "pc", "gprs", "flags"}) {
            if (json::find(w, key)) {
                EXPECT_EQ(json::at(g, key), json::at(w, key)) << plan_name << " op " << i << " " << key;
            }
        }
    }
    EXPECT_EQ(to_hex(replay(got).rim), to_hex(replay(want).rim)) << plan_name;
}

VmmInputs base_inputs(std::uint64_t memory, unsigned bps, unsigned wps) {
    VmmInputs in;
    in.memory = memory;
    in.vcpus = 1;
    in.realm.num_bps = bps;
    in.realm.num_wps = wps;
    return in;
}
}  // namespace

// veraison/cca-realm-measurements docs/realm-vm.md: kvmtool s2sz = max(log2(last RAM byte), 32) + 1; QEMU virt 41 below
// 255 GiB.
TEST(CcaVmmLayout, IpaBits) {
    EXPECT_EQ(kvmtool_ipa_bits(512u << 20), 33u);
    EXPECT_EQ(kvmtool_ipa_bits(2ull << 30), 33u);  // last byte 0xffffffff
    EXPECT_EQ(kvmtool_ipa_bits(8ull << 30), 34u);  // last byte 0x27fffffff
    EXPECT_EQ(qemu_virt_ipa_bits(512u << 20), 41u);
    EXPECT_EQ(qemu_virt_ipa_bits(254ull << 30), 41u);
}

TEST(CcaVmmLayout, KvmtoolKernelInitrd) {
    VmmInputs in = base_inputs(256u << 20, 6, 4);
    in.kernel = input("kernelA.bin");
    in.initrd = input("initrdA.cpio");
    in.dtb = input("kvm02_kernel_initrd.dtb");
    in.realm.ipa_bits = 48;
    expect_same_layout(kvmtool_plan(in), "kvm02_kernel_initrd");
}

TEST(CcaVmmLayout, KvmtoolMeasurementLogAndFirmware) {
    VmmInputs log = base_inputs(512u << 20, 2, 2);
    log.kernel = input("kernelA.bin");
    log.dtb = input("kvm05_measurement_log.dtb");
    log.measurement_log = true;
    log.realm.ipa_bits = 40;
    expect_same_layout(kvmtool_plan(log), "kvm05_measurement_log");

    VmmInputs fw = base_inputs(128u << 20, 6, 6);
    fw.firmware = input("fwA.fd");
    fw.dtb = input("kvm04_firmware.dtb");
    expect_same_layout(kvmtool_plan(fw), "kvm04_firmware");
}

TEST(CcaVmmLayout, KvmtoolSvePmuSha512) {
    VmmInputs in = base_inputs(1u << 30, 16, 16);
    in.kernel = input("kernelB.bin");
    in.initrd = input("initrdB.cpio");
    in.dtb = input("kvm03_sha512_pmu_sve.dtb");
    in.realm.hash_algo = MeasurementAlgo::sha512;
    in.realm.ipa_bits = 52;
    in.realm.sve_vl_bits = 256;
    in.realm.pmu_counters = 4;
    expect_same_layout(kvmtool_plan(in), "kvm03_sha512_pmu_sve");
}

TEST(CcaVmmLayout, QemuDirectKernel) {
    VmmInputs in = base_inputs(512u << 20, 6, 6);
    in.kernel = input("kernelA.bin");
    in.initrd = input("initrdA.cpio");
    in.dtb = input("qemu02_kernel_initrd_sha256.dtb");
    in.realm.hash_algo = MeasurementAlgo::sha256;
    in.realm.ipa_bits = 52;
    expect_same_layout(qemu_virt_plan(in), "qemu02_kernel_initrd_sha256");

    VmmInputs sha512 = base_inputs(1u << 30, 6, 6);  // QEMU's default algorithm
    sha512.kernel = input("kernelA.bin");
    sha512.dtb = input("qemu01_kernel_sha512.dtb");
    expect_same_layout(qemu_virt_plan(sha512), "qemu01_kernel_sha512");
}

// With -bios the kernel goes through fw_cfg: not in the RIM; DTB at RAM base, pc = x0 = 0.
TEST(CcaVmmLayout, QemuFirmware) {
    VmmInputs in = base_inputs(1u << 30, 6, 6);
    in.kernel = input("kernelA.bin");
    in.firmware = input("fwA.fd");
    in.dtb = input("qemu05_firmware_kernel_append.dtb");
    in.realm.hash_algo = MeasurementAlgo::sha256;
    expect_same_layout(qemu_virt_plan(in), "qemu05_firmware_kernel_append");
}

// veraison/cca-realm-measurements docs/realm-vm.md: QEMU's measurement log is 64 KiB unmeasured at DTB + 1 MiB, after
// the REC.
TEST(CcaVmmLayout, QemuMeasurementLog) {
    VmmInputs in = base_inputs(1u << 30, 6, 6);
    in.kernel = input("kernelA.bin");
    in.dtb = input("qemu01_kernel_sha512.dtb");
    in.measurement_log = true;
    const Plan plan = qemu_virt_plan(in);
    ASSERT_EQ(plan.ops.size(), 5u);
    EXPECT_TRUE(std::holds_alternative<RecOp>(plan.ops[3]));
    const auto& log = std::get<DataUnmeasuredOp>(plan.ops[4]);
    EXPECT_EQ(log.ipa, 0x48000000u + (1u << 20));
    EXPECT_EQ(log.size, 0x10000u);
}

TEST(CcaVmmLayout, RejectsBadInputs) {
    VmmInputs in = base_inputs(256u << 20, 6, 6);
    in.dtb = input("kvm01_min.dtb");
    VmmInputs bad = in;
    bad.memory = (256u << 20) + 4096;  // kvmtool RAM is in 2 MiB units
    EXPECT_THROW(kvmtool_plan(bad), InputError);
    bad = in;
    bad.initrd = input("initrdA.cpio");  // without a kernel
    EXPECT_THROW(kvmtool_plan(bad), InputError);
    bad = in;
    bad.realm.num_bps = 1;
    EXPECT_THROW(kvmtool_plan(bad), InputError);
    bad = in;
    bad.realm.sve_vl_bits = 200;
    EXPECT_THROW(kvmtool_plan(bad), InputError);
    bad = in;
    bad.kernel = input("initrdA.cpio");  // no arm64 Image header
    EXPECT_THROW(kvmtool_plan(bad), InputError);
    bad = in;
    bad.dtb = input("kernelA.bin");  // not a DTB
    EXPECT_THROW(kvmtool_plan(bad), InputError);
    bad = in;
    bad.kernel = input("kernelA.bin");
    bad.firmware = input("fwA.fd");  // both at RAM base
    EXPECT_THROW(replay(kvmtool_plan(bad)), InputError);
}

// kvmtool measures its 64 KiB FDT buffer: a DTB saved without the zero padding measures the same.
TEST(CcaVmmLayout, KvmtoolPadsTheDtb) {
    const Bytes full = read_file(input("kvm01_min.dtb"));
    const std::uint64_t totalsize = 0xd57;  // FDT header of kvm01_min.dtb
    const std::filesystem::path trimmed = test::binary_dir() / "cca-kvm01-trimmed.dtb";
    {
        std::ofstream out(trimmed, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(full.data()), static_cast<std::streamsize>(totalsize));
    }
    VmmInputs in = base_inputs(512u << 20, 6, 6);
    in.dtb = trimmed;
    EXPECT_EQ(to_hex(replay(kvmtool_plan(in)).rim), test::expected_rim("cca_rim", "cca-kvm01_min"));
    std::filesystem::remove(trimmed);
}
