#include <gtest/gtest.h>

#include "cca_test_support.hpp"
#include "ccvm/firmware-measure/cca/arm64_image.hpp"
#include "ccvm/firmware-measure/cca/dtb.hpp"

using namespace ccvm;
using namespace ccvm::cca;

// The vector README: kernelA/B carry text_offset 0, image_size 0x1a0000 / 0x8400000, flags 0xa.
TEST(CcaImageHeaders, Arm64Header) {
    const Bytes a = read_file(test::inputs_dir() / "cca" / "kernelA.bin");
    const Arm64ImageHeader h = parse_arm64_image_header(a, "kernelA");
    EXPECT_EQ(h.text_offset, 0u);
    EXPECT_EQ(h.image_size, 0x1a0000u);
    EXPECT_EQ(h.flags, 0xau);
    EXPECT_EQ(parse_arm64_image_header(read_file(test::inputs_dir() / "cca" / "kernelB.bin"), "kernelB").image_size,
              0x8400000u);
    EXPECT_THROW(parse_arm64_image_header(ByteSpan(a).first(63), "short"), InputError);
    Bytes gz = a;
    gz[56] = std::byte{0x1f};
    EXPECT_THROW(parse_arm64_image_header(gz, "gz"), InputError);
}

TEST(CcaImageHeaders, FdtHeader) {
    const Bytes kvm = read_file(test::inputs_dir() / "cca" / "kvm01_min.dtb");
    const FdtHeader h = parse_fdt_header(kvm, "kvm01");
    EXPECT_EQ(h.totalsize, 0xd57u);  // the tree; the rest of the 64 KiB blob is padding
    EXPECT_EQ(h.version, 17u);
    const Bytes qemu = read_file(test::inputs_dir() / "cca" / "qemu01_kernel_sha512.dtb");
    EXPECT_EQ(parse_fdt_header(qemu, "qemu01").totalsize, qemu.size());
    EXPECT_THROW(parse_fdt_header(ByteSpan(qemu).first(qemu.size() - 1), "cut"), InputError);
    EXPECT_THROW(parse_fdt_header(ByteSpan(qemu).first(39), "tiny"), InputError);
    Bytes bad = qemu;
    bad[0] = std::byte{0};
    EXPECT_THROW(parse_fdt_header(bad, "magic"), InputError);
    bad = qemu;
    bad[8] = std::byte{0x7f};  // off_dt_struct far outside
    EXPECT_THROW(parse_fdt_header(bad, "struct"), InputError);
}
