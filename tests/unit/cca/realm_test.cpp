#include <gtest/gtest.h>

#include "cca_test_support.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/firmware-measure/cca/data_descriptor.hpp"
#include "ccvm/firmware-measure/cca/realm.hpp"
#include "ccvm/firmware-measure/cca/replay.hpp"
#include "ccvm/firmware-measure/hash.hpp"

using namespace ccvm;
using namespace ccvm::cca;

namespace {
RealmParams params(MeasurementAlgo algo = MeasurementAlgo::sha256) {
    RealmParams p;
    p.s2sz = 40;
    p.num_bps = 1;
    p.num_wps = 1;
    p.hash_algo = algo;
    return p;
}
Bytes stream(std::size_t n, std::uint8_t mul) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = std::byte(static_cast<std::uint8_t>(i * mul + 7 + (i >> 12)));
    return b;
}
RealmOptions threads(unsigned n) {
    RealmOptions o;
    o.threads = n;
    return o;
}
}  // namespace

// An unaligned blob is measured as whole granules, zero-filled before and after (Arm RMM spec (DEN0137),
// RMI_DATA_CREATE): the same RIM as loading the explicitly padded bytes at the granule start.
TEST(CcaRealm, UnalignedDataIsZeroFilled) {
    const Bytes blob = stream(30003, 13);
    const std::uint64_t ipa = 0x8fdf8acc;  // kvmtool initrd placement of kvm02
    Bytes padded(ipa & 0xfff, std::byte{0});
    padded.insert(padded.end(), blob.begin(), blob.end());
    padded.resize((padded.size() + 4095) / 4096 * 4096, std::byte{0});
    for (MeasurementAlgo algo : {MeasurementAlgo::sha256, MeasurementAlgo::sha512}) {
        Realm a(params(algo)), b(params(algo));
        a.data_create(ipa, blob);
        b.data_create(ipa & ~0xfffull, padded);
        EXPECT_EQ(a.rim(), b.rim());
    }
}

// The chain over granule hashes computed on many threads equals the serial one, including edge
// granules and several batches.
TEST(CcaRealm, ParallelGranuleHashingMatchesSerial) {
    const Bytes blob = stream((3u << 20) + 777, 31);
    Trace serial_trace, parallel_trace;
    RealmOptions s = threads(1), p = threads(4);
    s.trace = &serial_trace;
    p.trace = &parallel_trace;
    Realm serial(params(MeasurementAlgo::sha512), s), parallel(params(MeasurementAlgo::sha512), p);
    serial.data_create(0x40000123, blob);
    parallel.data_create(0x40000123, blob);
    EXPECT_EQ(serial.rim(), parallel.rim());
    ASSERT_EQ(serial_trace.size(), 1 + (0x123 + blob.size() + 4095) / 4096);
    for (std::size_t i = 0; i < serial_trace.size(); ++i) {
        EXPECT_EQ(serial_trace[i].base, parallel_trace[i].base);
        EXPECT_EQ(serial_trace[i].result, parallel_trace[i].result);
    }
}

// One measured granule by hand: RIM1 = H(data descriptor(RIM0, ipa, 1, H(page))).
TEST(CcaRealm, DataDescriptorChain) {
    const Bytes page = stream(4096, 3);
    Realm realm(params());
    const Bytes rim0 = realm.rim();
    realm.data_create(0x80000000, page);
    MeasurementSlot rim{}, content{};
    std::copy(rim0.begin(), rim0.end(), rim.begin());
    const auto h = sha256(page);
    std::copy(h.begin(), h.end(), content.begin());
    const auto want = sha256(data_descriptor(rim, 0x80000000, DataFlags::measure_content, content));
    EXPECT_EQ(realm.rim(), Bytes(want.begin(), want.end()));
}

TEST(CcaRealm, OverlappingDataIsRejected) {
    Realm realm(params());
    realm.data_create(0x80000000, stream(5000, 1));  // granules 0x80000000..0x80002000
    EXPECT_THROW(realm.data_create(0x80001ffc, stream(4, 1)), InputError);
    EXPECT_THROW(realm.data_create_unmeasured(0x7ffff000, 0x2000), InputError);
    EXPECT_NO_THROW(realm.data_create(0x80002000, stream(4, 1)));
    EXPECT_NO_THROW(realm.data_create_unmeasured(0x7fff0000, 0x10000));
}

// TF-RMM rec.c: a REC that is not RUNNABLE leaves the RIM alone.
TEST(CcaRealm, OnlyRunnableRecIsMeasured) {
    Realm realm(params());
    const Bytes before = realm.rim();
    RecParams rec;
    rec.flags = 0;
    rec.pc = 0x80000000;
    realm.rec_create(rec);
    EXPECT_EQ(realm.rim(), before);
    rec.flags = kRecFlagRunnable;
    realm.rec_create(rec);
    EXPECT_NE(realm.rim(), before);
}

// Arm RMM spec (DEN0137), RMI_RTT_INIT_RIPAS: RMM 2.0 no longer measures RTT_INIT_RIPAS.
TEST(CcaRealm, Rmm2SkipsRipas) {
    RealmOptions v2;
    v2.rmm_version = RmmVersion::v2_0;
    Realm realm(params(), v2);
    const Bytes before = realm.rim();
    realm.init_ripas(0x80000000, 0xa0000000);
    EXPECT_EQ(realm.rim(), before);
    EXPECT_THROW(realm.init_ripas(0x80000800, 0xa0000000), InputError);  // still validated
}

// REM := H(REM_old[0:len] || data) (TF-RMM app_do_extend), recomputed from the hash primitive.
TEST(CcaRealm, RemExtendChainsTheOldValue) {
    Realm realm(params());
    const Bytes d1 = from_hex("7dcea378eaf17e3ad289ec0b2e368bdda77f9c4ce564cd88f0dad1e759071bc0");
    const ByteSpan ccvm = as_bytes("ccvm");
    const Bytes d2(ccvm.begin(), ccvm.end());
    realm.measurement_extend(2, d1);
    realm.measurement_extend(2, d2);
    Bytes first(32, std::byte{0});
    first.insert(first.end(), d1.begin(), d1.end());
    const auto r1 = sha256(first);
    Bytes second(r1.begin(), r1.end());
    second.insert(second.end(), d2.begin(), d2.end());
    const auto r2 = sha256(second);
    EXPECT_EQ(realm.rem(2), Bytes(r2.begin(), r2.end()));
    EXPECT_EQ(realm.rem(0), Bytes(32, std::byte{0}));
    // veraison's rem_extend would give H(pad64(data)): not what the RMM computes.
    Bytes padded = d2;
    padded.resize(64);
    const auto wrong = sha256(padded);
    EXPECT_NE(realm.rem(2), Bytes(wrong.begin(), wrong.end()));
    EXPECT_THROW(realm.measurement_extend(4, d1), InputError);
    EXPECT_THROW(realm.measurement_extend(0, Bytes(65)), InputError);
}

// The REM vector of cca_model.json through the library.
TEST(CcaRealm, RemVector) {
    const RealmMeasurements m = replay(load_plan(test::cca_plan_path("rem01_sha256_one")));
    const json::Value& want =
        json::at(json::at(test::cca_case("cca_model", "cca-plan-rem01_sha256_one"), "expect"), "json");
    EXPECT_EQ(to_hex(m.rim), json::get_string(json::at(want, "rim")));
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_EQ(to_hex(m.rems[i]), json::get_string(json::get_array(json::at(want, "rem"))[i]));
}
