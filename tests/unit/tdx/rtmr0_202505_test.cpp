// RTMR0 of edk2 >= stable202505 (edk2 OvmfPkg release history): the "QEMU FW CFG" events of QemuFwCfgCacheInit.c,
// the BootManagerMenuApp / "EFI Firmware Setup" load options, SmbiosMeasurementDxe's filtered
// SMBIOS table, and the 17-event template order. Expected bytes are written out from the edk2
// structures (FW_CFG_EVENT, EFI_LOAD_OPTION, SMBIOS_TABLE_TYPE*) field by field.
#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/tdx/measurement.hpp"
#include "ccvm/firmware-measure/tdx/qemu_fw_cfg_items.hpp"
#include "ccvm/firmware-measure/tdx/rtmr_events.hpp"
#include "ccvm/firmware-measure/tdx/smbios_measurement.hpp"
#include "tdx_vectors.hpp"

using namespace ccvm;
using namespace ccvm::tdx;

namespace {

std::string utf16_hex(std::string_view ascii) {
    std::string out;
    for (char c : ascii) out += to_hex(as_bytes(std::string_view(&c, 1))) + "00";
    return out;
}

TEST(FwCfgEvents, EventDataIsTagAndPaddedName) {
    const Bytes d = fw_cfg_event_data("bootorder");
    ASSERT_EQ(d.size(), 12u + 56u);
    // "QEMU FW CFG\0" then "bootorder" in a 56-byte zero-padded field.
    EXPECT_EQ(to_hex(d),
              "51454d552046572043464700"
              "626f6f746f72646572" +
                  std::string(2 * (56 - 9), '0'));
    EXPECT_THROW(fw_cfg_event_data(std::string(56, 'x')), SystemError);
}

TEST(FwCfgEvents, DirectBootItemsInEdk2ListOrder) {
    const auto items = direct_boot_fw_cfg_items();
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].name, "BootMenu");
    EXPECT_EQ(to_hex(items[0].data), "0000");  // FW_CFG_BOOT_MENU without -boot menu=on
    EXPECT_EQ(items[1].name, "bootorder");
    EXPECT_EQ(as_chars(items[1].data), std::string_view("/rom@genroms/linuxboot_dma.bin\0", 31));
}

const std::string kDxeFv = "c9bdb87cebf8344faaea3ee4af6516a1";   // 7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1
const std::string kBmmApp = "dc5bc2eef267954db1d5f81b2039d11d";  // eec25bdc-67f2-4d95-b1d5-f81b2039d11d
const std::string kUiApp = "21aa2c4614760345836e8ab6f4662331";   // 462caa21-7614-4503-836e-8ab6f4662331

std::string fv_file_path(const std::string& file) { return "04071400" + kDxeFv + "04061400" + file + "7fff0400"; }

TEST(BootVariables202505, LoadOptionBytes) {
    EXPECT_EQ(to_hex(boot_order_direct_boot_202505()), "00000100");
    EXPECT_EQ(to_hex(boot0000_boot_manager_menu_app()),
              "09010000"
              "2c00" +
                  utf16_hex("BootManagerMenuApp") + "0000" + fv_file_path(kBmmApp));
    EXPECT_EQ(to_hex(boot0001_firmware_setup()),
              "01010000"
              "2c00" +
                  utf16_hex("EFI Firmware Setup") + "0000" + fv_file_path(kUiApp));
    // The same builder gives the pre-202505 Boot0000 whose digest real TD logs carry (real TD event logs).
    EXPECT_EQ(to_hex(sha384(boot0000_uiapp())),
              json::get_string(json::at(test::tdx::primitive("tdx-const.boot0000.uiapp_pre202505"), "sha384")));
}

Bytes hex(std::string_view h) { return from_hex(h); }

// Digests read from the event log of a live edk2-stable202505 TD (-kernel boot on q35), published
// in Dstack-TEE/dstack commit a304dd96 (dstack-mr/src/tdvf.rs, OvmfVariant::Stable202505,
// Apache-2.0): bootorder fw_cfg, BootOrder, Boot0000, Boot0001, in this log order after the SMBIOS
// event. The engine builds each from the edk2/QEMU structures; these pin them to the real log.
TEST(BootVariables202505, MatchDigestsOfARealStable202505Log) {
    Rtmr0Inputs in;
    in.acpi = {{"etc/table-loader", {}}, {"etc/acpi/rsdp", {}}, {"etc/acpi/tables", {}}};
    in.smbios = Sha384Digest{};
    const auto ev = rtmr0_events(Edk2Version::parse("2025.05"), in);
    ASSERT_TRUE(ev.has_value());
    ASSERT_EQ(ev->size(), 17u);
    EXPECT_EQ(to_hex((*ev)[3].digest),
              "53d3dbc00691328371e74c1b1c77bdf1bf4ff79dd1b55222b694fe8341cd8b0adb3a9ab9286552c681272883b9b0fc1d");
    EXPECT_EQ(to_hex((*ev)[14].digest),
              "52b9a02de946b947364b57d8210c63113b9058996e2a3ba7cead54af11ae0873b085d1e52bc01e4febe57ca05ca1332b");
    EXPECT_EQ(to_hex((*ev)[15].digest),
              "5068e6a9ded2a1c3a8ebb5d26004410ea8670742d8f444c5c3d161b76c66fa23a7b1d2fb3f9840570b675384b5818f2d");
    EXPECT_EQ(to_hex((*ev)[16].digest),
              "dd424f2eeb35f3e8a2c2f50f6cc87ff90b7577e92ce63e13a22869d07d104fd5ea9800e6e4f12c5058fc4eaa78374f20");
}

// A table with a blacklisted type 1, an SMBIOS 2.0-length type 4 (only the fields it has are
// filtered), a whole-struct type 11, an OEM type, the end structure and bytes past it.
const std::string kType1 =
    "011b0001"
    "010200"
    "03"
    "11111111111111111111111111111111"
    "06"
    "0000"  // fields to 0x1A
    "51454d5500"
    "53746420504300"
    "534e31323300"
    "00";  // QEMU, Std PC, SN123
const std::string kType4 =
    "041a0004"
    "0001"
    "0200"
    "0102030405060708"
    "00"
    "aa"
    "bbbb"
    "cccc"
    "dddd"
    "41"
    "42"
    "0000";
const std::string kType11 =
    "0b05000b"
    "01"
    "61626300"
    "00";
const std::string kOem =
    "c8060000"
    "aabb"
    "0000";
const std::string kEnd =
    "7f04007f"
    "0000";

TEST(SmbiosMeasurement, FiltersAsSmbiosMeasurementDxe) {
    ASSERT_EQ(kType1.size() / 2, 0x1bu + 5 + 7 + 6 + 1);
    ASSERT_EQ(kType4.size() / 2, 0x1au + 2);
    const Bytes table = hex(kType1 + kType4 + kType11 + kOem + kEnd + "deadbeef");
    const std::string want1 =
        "011b0001"
        "010200"
        "00" +
        std::string(32, '0') +
        "00"
        "0000"
        "51454d5500"
        "53746420504300"
        "202020202000"
        "00";  // serial string blanked to spaces
    const std::string want4 =
        "041a0004"
        "0001"
        "0200"
        "0102030405060708"
        "00"
        "00"
        "bbbb"
        "cccc"
        "0000"
        "41"
        "42"
        "0000";
    const std::string want11 =
        "0b05000b"
        "0000000000"
        "00";
    const std::string wantOem =
        "c8060000"
        "0000"
        "0000";
    EXPECT_EQ(to_hex(smbios_measured_table(table, "t")), want1 + want4 + want11 + wantOem + kEnd);
}

TEST(SmbiosMeasurement, StopsAtEndStructureOrTableEnd) {
    EXPECT_EQ(to_hex(smbios_measured_table(hex(kEnd + kOem), "t")), kEnd);
    EXPECT_EQ(to_hex(smbios_measured_table(hex(kType11), "t")),
              "0b05000b"
              "0000000000"
              "00");
}

TEST(SmbiosMeasurement, MalformedTablesAreInputErrors) {
    const Bytes truncated = hex(kType4.substr(0, kType4.size() - 2));
    try {
        smbios_measured_table(truncated, "dmi.bin");
        FAIL() << "truncated table accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("dmi.bin: SMBIOS structure at 0x0"), std::string::npos) << e.what();
    }
    EXPECT_THROW(smbios_measured_table(hex("01030001"
                                           "0000"),
                                       "t"),
                 InputError);  // Length < 4
    EXPECT_THROW(smbios_measured_table({}, "t"), InputError);
    // A string field whose structure has no strings at all (edk2 would dereference NULL).
    EXPECT_THROW(smbios_measured_table(hex("03090003"
                                           "0000000005"
                                           "0000"),
                                       "t"),
                 InputError);
}

TEST(Rtmr0Template202505, SeventeenEventsInLogOrder) {
    Rtmr0Inputs in;
    in.td_hob = sha384(as_bytes("hob"));
    in.cfv = sha384(as_bytes("cfv"));
    in.acpi = {{"etc/table-loader", sha384(as_bytes("l"))},
               {"etc/acpi/rsdp", sha384(as_bytes("r"))},
               {"etc/acpi/tables", sha384(as_bytes("t"))}};
    EXPECT_FALSE(rtmr0_events(Edk2Version::parse("2025.05"), in).has_value());  // SMBIOS digest needed
    in.smbios = sha384(as_bytes("smbios"));
    const auto ev = rtmr0_events(Edk2Version::parse("2025.05"), in);
    ASSERT_TRUE(ev.has_value());
    const std::pair<EventType, std::string> want[] = {
        {EventType::efi_handoff_tables2, "TD HOB (TdxTable)"},
        {EventType::efi_platform_firmware_blob2, "CFV (configuration firmware volume)"},
        {EventType::platform_config_flags, "QEMU FW CFG BootMenu"},
        {EventType::platform_config_flags, "QEMU FW CFG bootorder"},
        {EventType::efi_variable_driver_config, "SecureBoot (absent)"},
        {EventType::efi_variable_driver_config, "PK (absent)"},
        {EventType::efi_variable_driver_config, "KEK (absent)"},
        {EventType::efi_variable_driver_config, "db (absent)"},
        {EventType::efi_variable_driver_config, "dbx (absent)"},
        {EventType::separator, "separator"},
        {EventType::platform_config_flags, "ACPI DATA etc/table-loader"},
        {EventType::platform_config_flags, "ACPI DATA etc/acpi/rsdp"},
        {EventType::platform_config_flags, "ACPI DATA etc/acpi/tables"},
        {EventType::efi_handoff_tables, "SMBIOS structure table (SmbiosMeasurementDxe, host fields blanked)"},
        {EventType::efi_variable_boot, "BootOrder (0000,0001)"},
        {EventType::efi_variable_boot, "Boot0000 (BootManagerMenuApp)"},
        {EventType::efi_variable_boot, "Boot0001 (EFI Firmware Setup)"},
    };
    ASSERT_EQ(ev->size(), std::size(want));
    for (std::size_t i = 0; i < ev->size(); ++i) {
        EXPECT_EQ((*ev)[i].rtmr, 0u) << i;
        EXPECT_EQ((*ev)[i].type, want[i].first) << i;
        EXPECT_EQ((*ev)[i].description, want[i].second) << i;
    }
    EXPECT_EQ((*ev)[0].digest, in.td_hob);
    EXPECT_EQ((*ev)[2].digest, sha384(hex("0000")));
    EXPECT_EQ((*ev)[3].digest, sha384(as_bytes(std::string_view("/rom@genroms/linuxboot_dma.bin\0", 31))));
    EXPECT_EQ((*ev)[13].digest, *in.smbios);
    EXPECT_EQ((*ev)[14].digest, sha384(hex("00000100")));
    EXPECT_EQ((*ev)[15].digest, sha384(boot0000_boot_manager_menu_app()));
    EXPECT_EQ((*ev)[16].digest, sha384(boot0001_firmware_setup()));
    // 2025.08 changes only RTMR2's LoadOptions text; its RTMR0 is the 2025.05 list.
    const auto v202508 = rtmr0_events(Edk2Version::parse("2025.08"), in);
    ASSERT_TRUE(v202508.has_value());
    EXPECT_EQ(replay(*v202508)[0], replay(*ev)[0]);
}

TEST(Measurement202505, SmbiosInputCompletesRtmr0) {
    MappedFile fw(test::tdx::firmware_path("tdx-tdvf.deb13"));
    MappedFile kernel(test::tdx::kernel_path());
    TdxInputs in;
    in.firmware = fw.bytes();
    in.kernel = kernel.bytes();
    in.memory = 0x80000000;
    in.acpi = load_acpi_blobs(test::tdx::acpi_dir("q35-4cpu-2G"));
    in.edk2 = Edk2Version::parse("2025.05");
    const TdxMeasurement without = measure_tdx(in);
    EXPECT_FALSE(without.rtmr[0].value.has_value());
    EXPECT_NE(without.rtmr[0].reason.find("(smbios: "), std::string::npos) << without.rtmr[0].reason;

    const Bytes table = hex(kType1 + kEnd);
    in.smbios = table;
    const TdxMeasurement m = measure_tdx(in);
    ASSERT_TRUE(m.rtmr[0].value.has_value()) << m.rtmr[0].reason;
    std::vector<Event> rtmr0;
    for (const Event& e : m.events)
        if (e.rtmr == 0) rtmr0.push_back(e);
    ASSERT_EQ(rtmr0.size(), 17u);
    // TD HOB, CFV and ACPI digests are the 2025.02 reference events (tdx_primitives.json).
    const auto& ref = json::get_array(json::at(test::tdx::primitive("rtmr0-events.q35-4cpu-2G"), "events"));
    EXPECT_EQ(to_hex(rtmr0[0].digest), json::get_string(ref[0].at("sha384")));
    EXPECT_EQ(to_hex(rtmr0[1].digest), json::get_string(ref[1].at("sha384")));
    for (std::size_t i = 0; i < 3; ++i)
        EXPECT_EQ(to_hex(rtmr0[10 + i].digest), json::get_string(ref[8 + i].at("sha384"))) << i;
    EXPECT_EQ(rtmr0[13].digest, sha384(smbios_measured_table(table, "t")));
    EXPECT_EQ(*m.rtmr[0].value, replay(rtmr0)[0]);
}

}  // namespace
