// Kernel Authenticode digests (edk2 method) and QEMU's setup-header patch against
// tdx_primitives.json (tdx-kernel.*).

#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/tdx/pe_authenticode.hpp"
#include "ccvm/firmware-measure/tdx/qemu_kernel_loader.hpp"
#include "tdx_vectors.hpp"

using namespace ccvm;
using namespace ccvm::tdx;

namespace {

constexpr std::uint64_t kInitrd8MiB = 8u << 20;

TEST(Authenticode, UnpatchedKernelSha384AndSha256) {
    MappedFile k(test::tdx::kernel_path());
    const json::Value& p = test::tdx::primitive("tdx-kernel.authenticode_sha384.unpatched");
    EXPECT_EQ(to_hex(authenticode_sha384(k.bytes())), json::get_string(json::at(p, "sha384")));
    // The SHA-256 variant equals the messageDigest of Debian's own signature (edk2 SecurityPkg DxeTpm2MeasureBootLib,
    // TcgMeasurePeImage).
    EXPECT_EQ(to_hex(authenticode_digest(HashAlgo::sha256, k.bytes())),
              json::get_string(json::at(p, "authenticode_sha256")));
}

TEST(Authenticode, SignedAndUnsignedKernelsDifferOnlyOutsideTheDigest) {
    // Appending a certificate table and pointing the security directory at it must not change the digest.
    MappedFile k(test::tdx::kernel_path());
    Bytes signed_image(k.bytes().begin(), k.bytes().end());
    const std::uint32_t pe = load_le<std::uint32_t>(signed_image, 0x3c);
    const std::size_t cert_dir = pe + 24 + 112 + 4 * 8;
    store_le<std::uint32_t>(signed_image, cert_dir, static_cast<std::uint32_t>(signed_image.size()));
    store_le<std::uint32_t>(signed_image, cert_dir + 4, 24);
    signed_image.resize(signed_image.size() + 24, std::byte{0x5a});
    EXPECT_EQ(authenticode_sha384(signed_image), authenticode_sha384(k.bytes()));
}

class PatchedKernel : public testing::TestWithParam<std::pair<const char*, std::uint64_t>> {};

TEST_P(PatchedKernel, DigestAndHeaderBytesMatchReference) {
    const auto [id, memory] = GetParam();
    const json::Value& p = test::tdx::primitive(id);
    MappedFile k(test::tdx::kernel_path());
    QemuLoadParams params{memory, std::nullopt, ""};
    if (std::string(id).find("initrd_8MiB") != std::string::npos) params.initrd_size = kInitrd8MiB;
    const Bytes setup = qemu_patched_setup(k.bytes(), params);
    EXPECT_EQ(to_hex(ByteSpan(setup).subspan(0x210, 0x20)),
              json::get_string(json::at(p, "setup_header_0x210_0x230_after_patch")));
    EXPECT_EQ(to_hex(authenticode_sha384(k.bytes(), setup)), json::get_string(json::at(p, "sha384")));
    // The override is equivalent to hashing a patched copy.
    Bytes copy(k.bytes().begin(), k.bytes().end());
    std::copy(setup.begin(), setup.end(), copy.begin());
    EXPECT_EQ(authenticode_sha384(copy), authenticode_sha384(k.bytes(), setup));
}

INSTANTIATE_TEST_SUITE_P(
    Reference, PatchedKernel,
    testing::Values(std::pair{"tdx-kernel.authenticode_sha384.qemu_patched.initrd_8MiB.mem_0x40000000", 0x40000000ull},
                    std::pair{"tdx-kernel.authenticode_sha384.qemu_patched.initrd_8MiB.mem_0x80000000", 0x80000000ull},
                    std::pair{"tdx-kernel.authenticode_sha384.qemu_patched.initrd_8MiB.mem_0x100000000",
                              0x100000000ull},
                    std::pair{"tdx-kernel.authenticode_sha384.qemu_patched.no_initrd", 0x80000000ull}));

TEST(QemuKernelLoader, SetupHeaderFields) {
    MappedFile k(test::tdx::kernel_path());
    const SetupHeader h = parse_setup_header(k.bytes());
    EXPECT_EQ(h.setup_size, (39u + 1) * 512);  // setup_sects 39 in this kernel
    EXPECT_GE(h.protocol, 0x20c);
    auto rel = linux_release(h);
    ASSERT_TRUE(rel.has_value());
    EXPECT_EQ(*rel, (std::pair{6, 1}));
}

TEST(QemuKernelLoader, VgaParameterAndOversizedInitrd) {
    MappedFile k(test::tdx::kernel_path());
    const Bytes setup = qemu_patched_setup(k.bytes(), {0x80000000, std::nullopt, "console=ttyS0 vga=0x318"});
    EXPECT_EQ(load_le<std::uint16_t>(setup, 0x1fa), 0x318);
    const Bytes ext = qemu_patched_setup(k.bytes(), {0x80000000, std::nullopt, "vga=ext"});
    EXPECT_EQ(load_le<std::uint16_t>(ext, 0x1fa), 0xfffe);
    EXPECT_THROW(qemu_patched_setup(k.bytes(), {0x10000000, 0x10000000, ""}), InputError);
}

TEST(QemuKernelLoader, VersionGate) {
    EXPECT_TRUE(qemu_patches_setup_header(QemuVersion::parse("10.1")));
    EXPECT_TRUE(qemu_patches_setup_header(QemuVersion::parse("8.2.2")));
    EXPECT_FALSE(qemu_patches_setup_header(QemuVersion::parse("10.2")));
    EXPECT_FALSE(qemu_patches_setup_header(QemuVersion::parse("11.1")));
    EXPECT_THROW(QemuVersion::parse("ten"), InputError);
}

TEST(Authenticode, NotAPeImage) {
    Bytes junk(4096);
    EXPECT_THROW(authenticode_sha384(junk), InputError);
    Bytes tiny(10);
    EXPECT_THROW(authenticode_sha384(tiny), InputError);
}

}  // namespace
