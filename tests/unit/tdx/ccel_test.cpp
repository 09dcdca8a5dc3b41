// CC event log: logs built from the engine's own events parse, replay to the same RTMRs, and
// malformed logs are rejected with the offset.
#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/tdx/ccel.hpp"
#include "ccvm/firmware-measure/tdx/measurement.hpp"
#include "tdx_vectors.hpp"

using namespace ccvm;
using namespace ccvm::tdx;

namespace {

TdxMeasurement full_measurement() {
    MappedFile fw(test::tdx::firmware_path("tdx-tdvf.deb13"));
    MappedFile kernel(test::tdx::kernel_path());
    TdxInputs in;
    in.firmware = fw.bytes();
    in.kernel = kernel.bytes();
    in.cmdline = "console=ttyS0 root=/dev/vda";
    in.memory = 0x80000000;
    in.acpi = load_acpi_blobs(test::tdx::acpi_dir("q35-4cpu-2G"));
    in.edk2 = Edk2Version::parse("2025.02");
    in.qemu = QemuVersion::parse("10.1");
    return measure_tdx(in);
}

TEST(Ccel, BuiltLogReplaysToComputedRegisters) {
    const TdxMeasurement m = full_measurement();
    ASSERT_EQ(m.events.size(), 13u + 5u);
    Bytes log = build_ccel(m.events);
    log.resize(log.size() + 4096, std::byte{0xff});  // unused log area, as in the CCEL table
    const CcelLog parsed = parse_ccel(log);
    ASSERT_EQ(parsed.algorithms.size(), 1u);
    EXPECT_EQ(parsed.algorithms[0].first, kTpmAlgSha384);
    ASSERT_EQ(parsed.events.size(), m.events.size());
    for (std::size_t i = 0; i < m.events.size(); ++i) {
        EXPECT_EQ(parsed.events[i].mr_index, m.events[i].rtmr + 1);
        EXPECT_EQ(parsed.events[i].type, static_cast<std::uint32_t>(m.events[i].type));
        EXPECT_EQ(as_chars(parsed.events[i].data), m.events[i].description);
    }
    const Rtmrs r = replay_ccel(parsed);
    for (unsigned i = 0; i < 3; ++i) EXPECT_EQ(r[i], *m.rtmr[i].value) << "rtmr" << i;
    // Cross-check against the reference vector (tdx_measure.json tdx-rtmr0-deb13-q35-4cpu-2G).
    EXPECT_EQ(to_hex(r[0]),
              "4d88060e79b30a53f79c459414b2392303a483dfa9f75f950ce0bb6ca32e2f37d95688a5fdb3c91068cd9813b0f16c0d");
}

TEST(Ccel, ChangedDigestChangesOnlyItsRegister) {
    const TdxMeasurement m = full_measurement();
    std::vector<Event> events = m.events;
    events[14].digest[0] ^= std::byte{1};  // an RTMR1 event
    const Rtmrs r = replay_ccel(parse_ccel(build_ccel(events)));
    EXPECT_EQ(r[0], *m.rtmr[0].value);
    EXPECT_NE(r[1], *m.rtmr[1].value);
}

TEST(Ccel, TruncatedAndForeignLogsAreRejected) {
    const Bytes log = build_ccel(full_measurement().events);
    Bytes cut(log.begin(), log.end() - 10);
    try {
        parse_ccel(cut, "ccel.bin");
        FAIL() << "truncated log accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("ccel.bin at offset 0x"), std::string::npos) << e.what();
    }
    Bytes foreign(64, std::byte{0x11});
    EXPECT_THROW(parse_ccel(foreign), InputError);
    EXPECT_THROW(parse_ccel(Bytes{}), InputError);
}

TEST(Ccel, MrIndexOutOfRangeIsRejected) {
    std::vector<Event> events{{0, EventType::separator, Sha384Digest{}, "x"}};
    Bytes log = build_ccel(events);
    const std::size_t event_off = log.size() - (4 + 4 + 4 + 2 + 48 + 4 + 1);
    store_le<std::uint32_t>(log, event_off, 9);
    EXPECT_THROW(replay_ccel(parse_ccel(log)), InputError);
}

}  // namespace
