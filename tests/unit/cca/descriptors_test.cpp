#include <gtest/gtest.h>

#include <numeric>

#include "ccvm/firmware-measure/cca/data_descriptor.hpp"
#include "ccvm/firmware-measure/cca/rec_descriptor.hpp"
#include "ccvm/firmware-measure/cca/ripas_descriptor.hpp"

using namespace ccvm;
using namespace ccvm::cca;

namespace {
MeasurementSlot pattern(std::uint8_t seed) {
    MeasurementSlot s{};
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = std::byte(static_cast<std::uint8_t>(seed + i));
    return s;
}
bool zero_from(const Descriptor& d, std::size_t off) {
    return std::all_of(d.begin() + static_cast<std::ptrdiff_t>(off), d.end(),
                       [](std::byte b) { return b == std::byte{0}; });
}
void expect_header(const Descriptor& d, std::uint8_t type, const MeasurementSlot& rim) {
    EXPECT_EQ(load_le<std::uint8_t>(d, 0x00), type);
    for (std::size_t i = 1; i < 8; ++i) EXPECT_EQ(d[i], std::byte{0}) << i;
    EXPECT_EQ(load_le<std::uint64_t>(d, 0x08), 0x100u);
    EXPECT_TRUE(std::equal(rim.begin(), rim.end(), d.begin() + 0x10));
}
}  // namespace

// Arm RMM spec (DEN0137), RMI_RTT_INIT_RIPAS.
TEST(CcaDescriptors, RipasLayout) {
    const MeasurementSlot rim = pattern(1);
    const Descriptor d = ripas_descriptor(rim, 0x80000000, 0x80200000);
    expect_header(d, 2, rim);
    EXPECT_EQ(load_le<std::uint64_t>(d, 0x50), 0x80000000u);
    EXPECT_EQ(load_le<std::uint64_t>(d, 0x58), 0x80200000u);
    EXPECT_TRUE(zero_from(d, 0x60));
}

// Arm RMM spec (DEN0137), RMI_DATA_CREATE.
TEST(CcaDescriptors, DataLayout) {
    const MeasurementSlot rim = pattern(3), content = pattern(0x80);
    const Descriptor d = data_descriptor(rim, 0x8fe00000, DataFlags::measure_content, content);
    expect_header(d, 0, rim);
    EXPECT_EQ(load_le<std::uint64_t>(d, 0x50), 0x8fe00000u);
    EXPECT_EQ(load_le<std::uint64_t>(d, 0x58), 1u);
    EXPECT_TRUE(std::equal(content.begin(), content.end(), d.begin() + 0x60));
    EXPECT_TRUE(zero_from(d, 0xa0));
    const Descriptor u = data_descriptor(rim, 0x1000, DataFlags::no_measure_content, MeasurementSlot{});
    EXPECT_EQ(load_le<std::uint64_t>(u, 0x58), 0u);
    EXPECT_TRUE(zero_from(u, 0x60));
}

// Arm RMM spec (DEN0137), RMI_REC_CREATE: descriptor content at 0x50, nothing else after the RIM.
TEST(CcaDescriptors, RecLayout) {
    const MeasurementSlot rim = pattern(5), content = pattern(0x40);
    const Descriptor d = rec_descriptor(rim, content);
    expect_header(d, 1, rim);
    EXPECT_TRUE(std::equal(content.begin(), content.end(), d.begin() + 0x50));
    EXPECT_TRUE(zero_from(d, 0x90));
}

// Arm RMM spec (DEN0137), RMI_REC_CREATE: flags at 0x000, pc at 0x200, gprs at 0x300; mpidr (0x100) is not measured.
TEST(CcaDescriptors, RecParamsExcludeMpidr) {
    RecParams p;
    p.flags = kRecFlagRunnable;
    p.mpidr = 0x80000003;
    p.pc = 0x80000000;
    std::iota(p.gprs.begin(), p.gprs.end(), 0x1000);
    const Bytes b = encode_measured_rec_params(p);
    ASSERT_EQ(b.size(), 4096u);
    EXPECT_EQ(load_le<std::uint64_t>(b, 0x000), 1u);
    EXPECT_EQ(load_le<std::uint64_t>(b, 0x100), 0u);
    EXPECT_EQ(load_le<std::uint64_t>(b, 0x200), 0x80000000u);
    for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(load_le<std::uint64_t>(b, 0x300 + 8 * i), 0x1000 + i);
    std::size_t nonzero = 0;
    for (std::size_t i = 0; i < b.size(); ++i)
        if (i >= 0x340 || (i >= 0x8 && i < 0x200) || (i >= 0x208 && i < 0x300)) nonzero += b[i] != std::byte{0};
    EXPECT_EQ(nonzero, 0u);
    RecParams other = p;
    other.mpidr = 0;
    EXPECT_EQ(encode_measured_rec_params(other), b);
}
