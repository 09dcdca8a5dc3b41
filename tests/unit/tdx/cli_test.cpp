// The TDX commands end to end through the real binary: eventlog replay against measure output
// (logs built from ccvm's own events), hex output and not-computed registers, and acpi dump
// against the shipped QEMU 7.2 dumps when a QEMU is installed.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/tdx/ccel.hpp"
#include "ccvm/firmware-measure/tdx/measurement.hpp"
#include "ccvm/firmware-measure/tdx/rtmr_events.hpp"
#include "ccvm/firmware-measure/tdx/smbios_measurement.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "tdx_vectors.hpp"

using namespace ccvm;

namespace {

void write(const std::filesystem::path& p, ByteSpan data) {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

std::vector<std::string> measure_argv() {
    return {test::ccvm_cli().string(),
            "measure",
            "--mode",
            "tdx",
            "--ovmf",
            test::tdx::firmware_path("tdx-tdvf.deb13"),
            "--kernel",
            test::tdx::kernel_path().string(),
            "--initrd",
            (test::gen_dir() / "initrd-synth.img").string(),
            "--append",
            "console=ttyS0 root=/dev/vda",
            "--memory",
            "2G",
            "--acpi-dir",
            test::tdx::acpi_dir("q35-4cpu-2G").string(),
            "--edk2-version",
            "2025.02",
            "--qemu-version",
            "10.1",
            "--page-add-order",
            "single-pass",
            "--output-format",
            "json"};
}

// Events of a measure JSON output, as the engine's Event type.
std::vector<tdx::Event> events_of(const json::Value& doc) {
    std::vector<tdx::Event> out;
    for (const json::Value& e : json::get_array(json::at(doc, "events"))) {
        tdx::Event ev;
        ev.rtmr = static_cast<unsigned>(json::get_u64(json::at(e, "rtmr")));
        Bytes d = from_hex(json::get_string(json::at(e, "digest")));
        std::copy(d.begin(), d.end(), ev.digest.begin());
        ev.type = tdx::EventType::efi_action;
        ev.description = json::get_string(json::at(e, "description"));
        out.push_back(ev);
    }
    return out;
}

TEST(TdxCli, EventLogReplayMatchesAndNamesFirstDifference) {
    test::TempDir dir;
    auto m = test::run_process(measure_argv());
    ASSERT_EQ(m.exit_code, 0) << m.err;
    const json::Value doc = json::parse(m.out);
    EXPECT_EQ(json::get_string(json::at(doc, "rtmr1")),
              "2144ca16a5899df6cbf4aa5d3704ebc7c851027b476c9e677d2d0503bca4c4b8a30ed00449d3231264d61e380cfdf455");
    const std::filesystem::path expect = dir.path() / "expect.json";
    write(expect, as_bytes(m.out));
    std::vector<tdx::Event> events = events_of(doc);
    ASSERT_EQ(events.size(), 18u);

    const std::filesystem::path good = dir.path() / "good.ccel";
    write(good, tdx::build_ccel(events));
    auto r = test::run_process(
        {test::ccvm_cli().string(), "eventlog", "replay", "--ccel", good.string(), "--expect", expect.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const json::Value replayed = json::parse(r.out);
    for (const char* reg : {"rtmr0", "rtmr1", "rtmr2", "rtmr3"})
        EXPECT_EQ(json::at(replayed, reg), json::at(doc, reg)) << reg;

    // The kernel event (RTMR1 event 0) changed: exit 1, the message names it.
    std::vector<tdx::Event> bad_events = events;
    bad_events[13].digest[5] ^= std::byte{0x40};
    const std::filesystem::path bad = dir.path() / "bad.ccel";
    write(bad, tdx::build_ccel(bad_events));
    r = test::run_process(
        {test::ccvm_cli().string(), "eventlog", "replay", "--ccel", bad.string(), "--expect", expect.string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("rtmr1 event 0"), std::string::npos) << r.err;

    // A missing last event of RTMR0.
    std::vector<tdx::Event> short_events = events;
    short_events.erase(short_events.begin() + 12);
    write(bad, tdx::build_ccel(short_events));
    r = test::run_process(
        {test::ccvm_cli().string(), "eventlog", "replay", "--ccel", bad.string(), "--expect", expect.string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("rtmr0 event 12"), std::string::npos) << r.err;

    // Garbage is bad input (exit 2).
    write(bad, as_bytes("not an event log at all........................"));
    r = test::run_process({test::ccvm_cli().string(), "eventlog", "replay", "--ccel", bad.string()});
    EXPECT_EQ(r.exit_code, 2);
}

TEST(TdxCli, HexOutputReportsNotComputedRegisters) {
    auto r = test::run_process({test::ccvm_cli().string(), "measure", "--mode", "tdx", "--ovmf",
                                test::tdx::firmware_path("tdx-tdvf.deb13"), "--page-add-order", "two-pass",
                                "--output-format", "hex"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> lines;
    std::string line;
    for (std::istringstream in(r.out); std::getline(in, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[0], json::get_string(json::at(test::tdx::primitive("tdx-tdvf.deb13"), "mrtd_two_pass")));
    for (int i = 1; i <= 3; ++i) EXPECT_EQ(lines[i].rfind("not computed: ", 0), 0u) << lines[i];
    EXPECT_EQ(lines[4], std::string(96, '0'));
}

TEST(TdxCli, UsageErrorsExitTwo) {
    const std::string fw = test::tdx::firmware_path("tdx-tdvf.deb13");
    for (const std::vector<std::string>& extra :
         std::vector<std::vector<std::string>>{{"--page-add-order", "three-pass"},
                                               {"--edk2-version", "25.2"},
                                               {"--qemu-version", "x"},
                                               {"--memory", "lots"},
                                               {"--initrd", fw},
                                               {"--output-format", "base64"}}) {
        std::vector<std::string> argv{test::ccvm_cli().string(), "measure", "--mode", "tdx", "--ovmf", fw};
        argv.insert(argv.end(), extra.begin(), extra.end());
        auto r = test::run_process(argv);
        EXPECT_EQ(r.exit_code, 2) << extra[0] << ": " << r.err;
        EXPECT_NE(r.err.find(extra[0] == "--initrd" ? "--kernel" : extra[0]), std::string::npos) << r.err;
    }
}

TEST(TdxCli, MeasureDiffNamesTheKernelEventForQemuVersions) {
    test::TempDir dir;
    std::vector<std::string> argv = measure_argv();
    argv.back() = "hex";
    argv.push_back("--trace");
    for (const char* qemu : {"10.1", "10.2"}) {
        std::vector<std::string> a = argv;
        *std::find(a.begin(), a.end(), "10.1") = qemu;
        auto r = test::run_process(a);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        write(dir.path() / qemu, as_bytes(r.out));
    }
    auto r = test::run_process(
        {test::ccvm_cli().string(), "measure", "diff", (dir.path() / "10.1").string(), (dir.path() / "10.2").string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.out.find("RTMR1:EV_EFI_BOOT_SERVICES_APPLICATION"), std::string::npos) << r.out;
    // 6 MRTD section steps and 13 RTMR0 events come first.
    EXPECT_NE(r.out.find("first difference at step 19"), std::string::npos) << r.out;
    r = test::run_process(
        {test::ccvm_cli().string(), "measure", "diff", (dir.path() / "10.1").string(), (dir.path() / "10.1").string()});
    EXPECT_EQ(r.exit_code, 0) << r.out;
}

// edk2 >= 2025.05 through the binary: without --smbios RTMR0 is not computed (the reason names the
// flag); with it the 17-event RTMR0 list in log order, digests of the fw_cfg items and boot
// variables from their bytes, a log built from the output replays to it, and 2025.08 moves
// initrd=initrd to the front of the LoadOptions a measuring (>= 6.9) stub logs in RTMR2.
TEST(TdxCli, Edk2202505Rtmr0EventListAndLoadOptionsLayout) {
    test::TempDir dir;
    // Type 1 (serial string and UUID to blank) and the end structure.
    const Bytes smbios = from_hex(
        "011b0001010200031111111111111111111111111111111106000051454d55005374642050430053"
        "4e3132330000"
        "7f04007f0000");
    write(dir.path() / "dmi.bin", smbios);
    MappedFile original(test::tdx::kernel_path());
    Bytes kernel(original.bytes().begin(), original.bytes().end());
    kernel[load_le<std::uint16_t>(kernel, 0x20e) + 0x200u + 2] = std::byte{'9'};  // "6.1." -> "6.9."
    write(dir.path() / "vmlinuz-6.9", kernel);

    std::vector<std::string> argv = measure_argv();
    *std::find(argv.begin(), argv.end(), "2025.02") = "2025.05";
    *std::find(argv.begin(), argv.end(), test::tdx::kernel_path().string()) = (dir.path() / "vmlinuz-6.9").string();
    auto r = test::run_process(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json::Value doc = json::parse(r.out);
    EXPECT_TRUE(json::at(doc, "rtmr0").is_null());
    EXPECT_NE(json::get_string(json::at(json::at(doc, "not_computed"), "rtmr0")).find("--smbios"), std::string::npos);

    argv.push_back("--smbios");
    argv.push_back((dir.path() / "dmi.bin").string());
    r = test::run_process(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    doc = json::parse(r.out);
    std::vector<const json::Value*> rtmr0;
    for (const json::Value& e : json::get_array(json::at(doc, "events")))
        if (json::get_u64(json::at(e, "rtmr")) == 0) rtmr0.push_back(&e);
    const char* want[][2] = {
        {"EV_EFI_HANDOFF_TABLES2", "TD HOB (TdxTable)"},
        {"EV_EFI_PLATFORM_FIRMWARE_BLOB2", "CFV (configuration firmware volume)"},
        {"EV_PLATFORM_CONFIG_FLAGS", "QEMU FW CFG BootMenu"},
        {"EV_PLATFORM_CONFIG_FLAGS", "QEMU FW CFG bootorder"},
        {"EV_EFI_VARIABLE_DRIVER_CONFIG", "SecureBoot (absent)"},
        {"EV_EFI_VARIABLE_DRIVER_CONFIG", "PK (absent)"},
        {"EV_EFI_VARIABLE_DRIVER_CONFIG", "KEK (absent)"},
        {"EV_EFI_VARIABLE_DRIVER_CONFIG", "db (absent)"},
        {"EV_EFI_VARIABLE_DRIVER_CONFIG", "dbx (absent)"},
        {"EV_SEPARATOR", "separator"},
        {"EV_PLATFORM_CONFIG_FLAGS", "ACPI DATA etc/table-loader"},
        {"EV_PLATFORM_CONFIG_FLAGS", "ACPI DATA etc/acpi/rsdp"},
        {"EV_PLATFORM_CONFIG_FLAGS", "ACPI DATA etc/acpi/tables"},
        {"EV_EFI_HANDOFF_TABLES", "SMBIOS structure table (SmbiosMeasurementDxe, host fields blanked)"},
        {"EV_EFI_VARIABLE_BOOT", "BootOrder (0000,0001)"},
        {"EV_EFI_VARIABLE_BOOT", "Boot0000 (BootManagerMenuApp)"},
        {"EV_EFI_VARIABLE_BOOT", "Boot0001 (EFI Firmware Setup)"},
    };
    ASSERT_EQ(rtmr0.size(), std::size(want));
    for (std::size_t i = 0; i < rtmr0.size(); ++i) {
        EXPECT_EQ(json::get_string(json::at(*rtmr0[i], "type")), want[i][0]) << i;
        EXPECT_EQ(json::get_string(json::at(*rtmr0[i], "description")), want[i][1]) << i;
    }
    auto digest = [&](std::size_t i) { return json::get_string(json::at(*rtmr0[i], "digest")); };
    EXPECT_EQ(digest(2), to_hex(sha384(from_hex("0000"))));
    EXPECT_EQ(digest(3), to_hex(sha384(as_bytes(std::string_view("/rom@genroms/linuxboot_dma.bin\0", 31)))));
    EXPECT_EQ(digest(13), to_hex(sha384(tdx::smbios_measured_table(smbios, "dmi.bin"))));
    EXPECT_EQ(digest(14), to_hex(sha384(from_hex("00000100"))));
    EXPECT_EQ(digest(15), to_hex(sha384(tdx::boot0000_boot_manager_menu_app())));
    EXPECT_EQ(digest(16), to_hex(sha384(tdx::boot0001_firmware_setup())));

    // A log built from these events replays to the printed registers.
    write(dir.path() / "expect.json", as_bytes(r.out));
    write(dir.path() / "log.ccel", tdx::build_ccel(events_of(doc)));
    auto replay =
        test::run_process({test::ccvm_cli().string(), "eventlog", "replay", "--ccel",
                           (dir.path() / "log.ccel").string(), "--expect", (dir.path() / "expect.json").string()});
    EXPECT_EQ(replay.exit_code, 0) << replay.err;
    EXPECT_EQ(json::at(json::parse(replay.out), "rtmr0"), json::at(doc, "rtmr0"));

    auto load_options_event = [](const json::Value& d) {
        for (const json::Value& e : json::get_array(json::at(d, "events")))
            if (json::get_u64(json::at(e, "rtmr")) == 2) return json::get_string(json::at(e, "description"));
        return std::string();
    };
    EXPECT_NE(load_options_event(doc).find("\"console=ttyS0 root=/dev/vda initrd=initrd\""), std::string::npos)
        << load_options_event(doc);
    *std::find(argv.begin(), argv.end(), "2025.05") = "2025.08";
    r = test::run_process(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::Value later = json::parse(r.out);
    EXPECT_EQ(json::at(later, "rtmr0"), json::at(doc, "rtmr0"));
    EXPECT_NE(load_options_event(later).find("\"initrd=initrd console=ttyS0 root=/dev/vda\""), std::string::npos)
        << load_options_event(later);
    EXPECT_NE(json::at(later, "rtmr2"), json::at(doc, "rtmr2"));
}

bool have_qemu() { return test::run_process({"/bin/sh", "-c", "command -v qemu-system-x86_64"}).exit_code == 0; }

TEST(TdxCli, AcpiDumpReproducesShippedQemu72Dumps) {
    if (!have_qemu()) GTEST_SKIP() << "qemu-system-x86_64 not installed";
    auto version = test::run_process({"/bin/sh", "-c", "qemu-system-x86_64 --version"});
    if (version.out.find("version 7.2") == std::string::npos) GTEST_SKIP() << "shipped dumps are from QEMU 7.2";
    test::TempDir dir;
    auto r = test::run_process(
        {test::ccvm_cli().string(), "acpi", "dump", "--memory", "2G", "--vcpus", "4", "--out", dir.path().string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* f : {"etc_table-loader", "etc_acpi_rsdp", "etc_acpi_tables"}) {
        EXPECT_EQ(read_file(dir.path() / f), read_file(test::tdx::acpi_dir("q35-4cpu-2G") / f)) << f;
    }
}

}  // namespace
