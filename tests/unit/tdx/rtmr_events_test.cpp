// RTMR0..2 event lists per edk2 range against tdx_primitives.json (constants, per-event RTMR0
// logs, LoadOptions, RTMR2 replay) and the version rules of edk2 OvmfPkg release history; edk2 OvmfPkg/Tcg/TdTcg2Dxe;
// Linux drivers/firmware/efi/libstub.
#include <gtest/gtest.h>

#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/tdx/load_options.hpp"
#include "ccvm/firmware-measure/tdx/measurement.hpp"
#include "ccvm/firmware-measure/tdx/pe_authenticode.hpp"
#include "ccvm/firmware-measure/tdx/rtmr_events.hpp"
#include "ccvm/firmware-measure/tdx/uefi_variable.hpp"
#include "tdx_vectors.hpp"

using namespace ccvm;
using namespace ccvm::tdx;

namespace {

void expect_primitive(const std::string& id, ByteSpan bytes) {
    const json::Value& p = test::tdx::primitive(id);
    EXPECT_EQ(to_hex(bytes), json::get_string(json::at(p, "input_hex"))) << id;
    EXPECT_EQ(to_hex(sha384(bytes)), json::get_string(json::at(p, "sha384"))) << id;
}

TEST(RtmrConstants, EventDataMatchesReference) {
    const std::byte zero4[4] = {};
    expect_primitive("tdx-const.ev_separator", zero4);
    expect_primitive("tdx-const.ev_efi_action.calling_efi_application", as_bytes(kCallingEfiApplication));
    expect_primitive("tdx-const.ev_efi_action.ebs_invocation", as_bytes(kExitBootServicesInvocation));
    expect_primitive("tdx-const.ev_efi_action.ebs_success", as_bytes(kExitBootServicesSuccess));
    expect_primitive("tdx-const.bootorder.direct_boot_pre202505", boot_order_direct_boot());
    expect_primitive("tdx-const.boot0000.uiapp_pre202505", boot0000_uiapp());
    expect_primitive("tdx-const.efi_var_absent.SecureBoot", uefi_variable_data(kEfiGlobalVariableGuid, "SecureBoot"));
    expect_primitive("tdx-const.efi_var_absent.PK", uefi_variable_data(kEfiGlobalVariableGuid, "PK"));
    expect_primitive("tdx-const.efi_var_absent.KEK", uefi_variable_data(kEfiGlobalVariableGuid, "KEK"));
    expect_primitive("tdx-const.efi_var_absent.db", uefi_variable_data(kImageSecurityDatabaseGuid, "db"));
    expect_primitive("tdx-const.efi_var_absent.dbx", uefi_variable_data(kImageSecurityDatabaseGuid, "dbx"));
}

TdxInputs rtmr0_inputs(const MappedFile& fw, const MappedFile& kernel, const std::string& acpi, std::uint64_t memory) {
    TdxInputs in;
    in.firmware = fw.bytes();
    in.kernel = kernel.bytes();
    in.memory = memory;
    in.acpi = load_acpi_blobs(test::tdx::acpi_dir(acpi));
    in.edk2 = Edk2Version::parse("2025.02");
    return in;
}

class Rtmr0Log : public testing::TestWithParam<std::pair<const char*, std::uint64_t>> {};

TEST_P(Rtmr0Log, EveryEventDigestMatches) {
    const auto [acpi, memory] = GetParam();
    const json::Value& p = test::tdx::primitive(std::string("rtmr0-events.") + acpi);
    MappedFile fw(test::tdx::firmware_path("tdx-tdvf.deb13"));
    MappedFile kernel(test::tdx::kernel_path());
    const TdxMeasurement m = measure_tdx(rtmr0_inputs(fw, kernel, acpi, memory));
    std::vector<Event> rtmr0;
    for (const Event& e : m.events)
        if (e.rtmr == 0) rtmr0.push_back(e);
    const auto& want = json::get_array(json::at(p, "events"));
    ASSERT_EQ(rtmr0.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
        EXPECT_EQ(to_hex(rtmr0[i].digest), json::get_string(want[i].at("sha384")))
            << i << " " << json::get_string(want[i].at("name"));
    ASSERT_TRUE(m.rtmr[0].value.has_value());
    EXPECT_EQ(to_hex(*m.rtmr[0].value), json::get_string(json::at(p, "rtmr0")));
}

INSTANTIATE_TEST_SUITE_P(Reference, Rtmr0Log,
                         testing::Values(std::pair{"q35-4cpu-2G", 0x80000000ull},
                                         std::pair{"q35-16cpu-8G", 0x200000000ull},
                                         std::pair{"q35-4cpu-2G-hpet", 0x80000000ull}));

TEST(Rtmr0Template, VersionRules) {
    Rtmr0Inputs in;
    in.acpi = {{"etc/table-loader", {}}, {"etc/acpi/rsdp", {}}, {"etc/acpi/tables", {}}};
    EXPECT_TRUE(rtmr0_events(Edk2Version::parse("2022.11"), in)->empty());
    const auto v202411 = rtmr0_events(Edk2Version::parse("2024.11"), in);
    ASSERT_TRUE(v202411.has_value());
    EXPECT_EQ(v202411->size(), 13u);
    const auto v202402 = rtmr0_events(Edk2Version::parse("2024.02"), in);
    ASSERT_EQ(v202402->size(), 14u);  // ReadyToBoot separator still in RTMR0
    EXPECT_EQ(v202402->back().type, EventType::separator);
    EXPECT_FALSE(rtmr0_events(Edk2Version::parse("2025.05"), in).has_value());
}

TEST(Rtmr1Template, ReferenceReplayAndSeparatorMove) {
    MappedFile kernel(test::tdx::kernel_path());
    const Sha384Digest k = authenticode_sha384(kernel.bytes());
    const auto ev = rtmr1_events(Edk2Version::parse("2025.02"), k, "kernel");
    ASSERT_EQ(ev.size(), 5u);
    // tdx_measure.json tdx-rtmr1-unpatched-qemu10.2-initrd-2G: the replay of exactly these five digests.
    EXPECT_EQ(to_hex(replay(ev)[1]),
              "d6d8b20f84328086e9a9baa2e37918d2b14f18e8b77927c56edb7a32819cadd67c866111eef7134b04b67add2dff004a");
    const auto old = rtmr1_events(Edk2Version::parse("2023.05"), k, "kernel");
    ASSERT_EQ(old.size(), 4u);
    for (const Event& e : old) EXPECT_NE(e.type, EventType::separator);
    EXPECT_TRUE(rtmr1_events(Edk2Version::parse("2022.11"), k, "kernel").empty());
}

TEST(LoadOptions, MatchReferenceBytes) {
    const std::string cmdline = "console=ttyS0 root=/dev/vda";
    expect_primitive("tdx-cmdline.edk2-lt-202508.initrd", load_options(cmdline, true, Edk2Version::parse("2025.02")));
    expect_primitive("tdx-cmdline.no_initrd", load_options(cmdline, false, Edk2Version::parse("2025.02")));
    EXPECT_EQ(load_options_text(cmdline, true, Edk2Version::parse("2025.08")), "initrd=initrd " + cmdline);
    EXPECT_TRUE(load_options("", false, Edk2Version::parse("2025.02")).empty());
    EXPECT_EQ(load_options_text("", true, Edk2Version::parse("2025.02")), " initrd=initrd");
}

TEST(Rtmr2Template, MeasuringStubReplay) {
    const json::Value& p = test::tdx::primitive("tdx-rtmr2.edk2-lt-202508.initrd.synthetic_initrd");
    MappedFile initrd(test::gen_dir() / "initrd-synth.img");
    const Sha384Digest initrd_digest = sha384(initrd.bytes());
    EXPECT_EQ(to_hex(initrd_digest),
              json::get_string(json::at(test::tdx::primitive("tdx-initrd.synthetic_8MiB"), "sha384")));
    const Edk2Version edk2 = Edk2Version::parse("2025.02");
    const Bytes opts = load_options("console=ttyS0 root=/dev/vda", true, edk2);
    const auto ev = rtmr2_events(edk2, opts, "", initrd_digest);
    const auto& want = json::get_array(json::at(p, "events"));
    ASSERT_EQ(ev.size(), want.size());
    for (std::size_t i = 0; i < ev.size(); ++i) EXPECT_EQ(to_hex(ev[i].digest), json::get_string(want[i].at("sha384")));
    EXPECT_EQ(to_hex(replay(ev)[2]), json::get_string(json::at(p, "rtmr2")));
}

// A kernel whose version string says 6.9 makes the engine model a measuring EFI stub: RTMR2 is
// then the reference replay of [LoadOptions, initrd].
TEST(Measurement, MeasuringStubKernelGivesReferenceRtmr2) {
    MappedFile fw(test::tdx::firmware_path("tdx-tdvf.deb13"));
    MappedFile original(test::tdx::kernel_path());
    Bytes kernel(original.bytes().begin(), original.bytes().end());
    const std::size_t version = load_le<std::uint16_t>(kernel, 0x20e) + 0x200u;
    ASSERT_EQ(as_chars(ByteSpan(kernel).subspan(version, 4)), "6.1.");
    kernel[version + 2] = std::byte{'9'};
    MappedFile initrd(test::gen_dir() / "initrd-synth.img");
    TdxInputs in;
    in.firmware = fw.bytes();
    in.kernel = kernel;
    in.initrd = initrd.bytes();
    in.cmdline = "console=ttyS0 root=/dev/vda";
    in.edk2 = Edk2Version::parse("2025.02");
    const TdxMeasurement m = measure_tdx(in);
    ASSERT_TRUE(m.rtmr[2].value.has_value()) << m.rtmr[2].reason;
    EXPECT_EQ(
        to_hex(*m.rtmr[2].value),
        json::get_string(json::at(test::tdx::primitive("tdx-rtmr2.edk2-lt-202508.initrd.synthetic_initrd"), "rtmr2")));
    // edk2 >= 2025.08 moves initrd=initrd to the front: a different LoadOptions digest.
    in.edk2 = Edk2Version::parse("2025.08");
    const TdxMeasurement later = measure_tdx(in);
    ASSERT_TRUE(later.rtmr[2].value.has_value());
    EXPECT_NE(*later.rtmr[2].value, *m.rtmr[2].value);
    EXPECT_EQ(later.events.front().digest,
              sha384(utf16le(std::string_view("initrd=initrd console=ttyS0 root=/dev/vda\0", 42))));
}

TEST(Measurement, MissingInputsLeaveOnlyThatRegisterUncomputed) {
    MappedFile fw(test::tdx::firmware_path("tdx-tdvf.deb13"));
    MappedFile kernel(test::tdx::kernel_path());
    TdxInputs in = rtmr0_inputs(fw, kernel, "q35-4cpu-2G", 0x80000000);
    in.acpi.reset();
    in.page_add_order = PageAddOrder::single_pass;
    in.qemu = QemuVersion::parse("10.2");
    const TdxMeasurement m = measure_tdx(in);
    EXPECT_FALSE(m.rtmr[0].value.has_value());
    EXPECT_NE(m.rtmr[0].reason.find("ACPI"), std::string::npos);
    ASSERT_TRUE(m.mrtd.value && m.rtmr[1].value && m.rtmr[2].value && m.rtmr[3].value);
    EXPECT_EQ(to_hex(*m.mrtd.value),
              json::get_string(json::at(test::tdx::primitive("tdx-tdvf.deb13"), "mrtd_single_pass")));
    EXPECT_EQ(*m.rtmr[2].value, Sha384Digest{});  // Linux 6.1 stub does not measure
}

}  // namespace
