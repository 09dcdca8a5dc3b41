// LAUNCH_MEASURE check (AMD SEV API spec (pub. 55766) LAUNCH_MEASURE).
#include <gtest/gtest.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/launch_measure.hpp"

using namespace ccvm;
using namespace ccvm::secret;

namespace {
// virtee/sev src/session/mod.rs test `verify`: SHA-256("") as digest, API 0.18, build 15, policy 0.
const char* kTik = "66320db73158a35a255d051758e95ed4";
const char* kDigest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const char* kBlob =
    "6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea"
    "4fbe0bedbad6c86ae8f68971d103e554";

Sha256Digest digest() {
    Sha256Digest d{};
    Bytes b = from_hex(kDigest);
    std::copy(b.begin(), b.end(), d.begin());
    return d;
}
}  // namespace

TEST(LaunchMeasure, VirteeVerifyVector) {
    EXPECT_TRUE(launch_measurement_matches(from_hex(kTik), from_hex(kBlob), 0, 18, 15, 0, digest()));
}

TEST(LaunchMeasure, FlippedMeasurementByteRejected) {
    for (std::size_t i : {0u, 31u, 32u, 47u}) {  // MEASURE bytes and MNONCE bytes
        Bytes blob = from_hex(kBlob);
        blob[i] ^= std::byte{1};
        EXPECT_FALSE(launch_measurement_matches(from_hex(kTik), blob, 0, 18, 15, 0, digest())) << "byte " << i;
    }
}

TEST(LaunchMeasure, WrongPlatformValuesRejected) {
    EXPECT_FALSE(launch_measurement_matches(from_hex(kTik), from_hex(kBlob), 0, 18, 15, 1, digest()));  // policy
    EXPECT_FALSE(launch_measurement_matches(from_hex(kTik), from_hex(kBlob), 0, 18, 16, 0, digest()));  // build
    EXPECT_FALSE(launch_measurement_matches(from_hex(kTik), from_hex(kBlob), 0, 17, 15, 0, digest()));  // minor
    EXPECT_FALSE(launch_measurement_matches(from_hex(kTik), from_hex(kBlob), 1, 18, 15, 0, digest()));  // major
    Sha256Digest d = digest();
    d[5] ^= std::byte{0x80};
    EXPECT_FALSE(launch_measurement_matches(from_hex(kTik), from_hex(kBlob), 0, 18, 15, 0, d));
    Bytes tik = from_hex(kTik);
    tik[15] ^= std::byte{1};
    EXPECT_FALSE(launch_measurement_matches(tik, from_hex(kBlob), 0, 18, 15, 0, digest()));
}

TEST(LaunchMeasure, BlobMustBe48Bytes) {
    Bytes blob = from_hex(kBlob);
    blob.pop_back();
    EXPECT_THROW(launch_measurement_matches(from_hex(kTik), blob, 0, 18, 15, 0, digest()), InputError);
}
