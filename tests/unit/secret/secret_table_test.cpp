// Secret table layout and the libvirt/sevctl padding trap (Linux drivers/virt/coco/efi_secret/efi_secret.c).
#include <gtest/gtest.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/secret_table.hpp"

using namespace ccvm;
using namespace ccvm::secret;

namespace {
std::vector<SecretEntry> one_entry(std::size_t data_len) {
    std::vector<SecretEntry> v;
    v.push_back({kLuksKeyGuid, SecretBytes(Bytes(data_len, std::byte{0x41}))});
    return v;
}
}  // namespace

TEST(SecretTable, Layout) {
    std::vector<SecretEntry> e;
    e.push_back({parse_secret_guid("luks-key"), SecretBytes(as_bytes("abc"))});
    SecretBytes t = build_secret_table(e, Padding::sevctl);
    // Linux drivers/virt/coco/efi_secret/efi_secret.c: header GUID bytes_le, total_len = 20 + 20 + 3 = 43 (unpadded),
    // entry GUID, len 23.
    EXPECT_EQ(to_hex(t.span().first(16)), "42f5741edd71664d963eef4287ff173b");
    EXPECT_EQ(load_le<std::uint32_t>(t, 16), 43u);
    EXPECT_EQ(to_hex(t.span().subspan(20, 16)), "e5696873f084734992ec06879ce3da0b");
    EXPECT_EQ(load_le<std::uint32_t>(t, 36), 23u);
    EXPECT_EQ(as_chars(t.span().subspan(40, 3)), "abc");
    EXPECT_EQ(t.size(), 48u);
    EXPECT_TRUE(is_all_zero(t.span().subspan(43)));
}

TEST(SecretTable, LuksKeyGuidBytes) {
    // EFI GUID byte order (UEFI spec, Appendix A): first three GUID fields byte-swapped.
    EXPECT_EQ(to_hex(kLuksKeyGuid.bytes),
              "e5696873f08473"
              "4992ec06879ce3da0b");
    EXPECT_EQ(parse_secret_guid("luks-key"), kLuksKeyGuid);
    EXPECT_THROW(parse_secret_guid("not-a-guid"), InputError);
}

// Linux drivers/virt/coco/efi_secret/efi_secret.c: a 64-byte table becomes 80 bytes with libvirt and stays 64 with
// sevctl.
TEST(SecretTable, PaddingAlignedEdge) {
    auto e = one_entry(64 - 40);
    ASSERT_EQ(secret_table_length(e), 64u);
    EXPECT_EQ(build_secret_table(e, Padding::libvirt).size(), 80u);
    EXPECT_EQ(build_secret_table(e, Padding::sevctl).size(), 64u);
    SecretBytes lv = build_secret_table(e, Padding::libvirt);
    EXPECT_EQ(load_le<std::uint32_t>(lv, 16), 64u);  // total_len stays unpadded
    EXPECT_TRUE(is_all_zero(lv.span().subspan(64)));
}

TEST(SecretTable, PaddingUnalignedAgree) {
    for (std::size_t data : {1u, 7u, 23u, 25u, 39u}) {
        auto e = one_entry(data);
        const std::size_t len = secret_table_length(e);
        ASSERT_NE(len % 16, 0u);
        const std::size_t want = (len / 16 + 1) * 16;
        EXPECT_EQ(build_secret_table(e, Padding::libvirt).size(), want) << data;
        EXPECT_EQ(build_secret_table(e, Padding::sevctl).size(), want) << data;
    }
    EXPECT_EQ(padded_secret_table_length(47, Padding::libvirt), 48u);  // 1 byte of padding
    EXPECT_EQ(padded_secret_table_length(49, Padding::sevctl), 64u);
}

TEST(SecretTable, EntriesKeepOrderAndRejectDuplicates) {
    std::vector<SecretEntry> e;
    e.push_back({Guid::parse("23058844-597b-42fb-8259-a0f5d9d495af"), SecretBytes(as_bytes("one"))});
    e.push_back({kLuksKeyGuid, SecretBytes(as_bytes("two!"))});
    SecretBytes t = build_secret_table(e, Padding::sevctl);
    EXPECT_EQ(load_le<std::uint32_t>(t, 16), 20u + 23u + 24u);
    EXPECT_EQ(to_hex(t.span().subspan(20, 16)), to_hex(e[0].guid.bytes));
    EXPECT_EQ(to_hex(t.span().subspan(43, 16)), to_hex(kLuksKeyGuid.bytes));
    EXPECT_EQ(load_le<std::uint32_t>(t, 59), 24u);
    e.push_back({kLuksKeyGuid, SecretBytes(as_bytes("x"))});
    EXPECT_THROW(build_secret_table(e, Padding::libvirt), InputError);
    EXPECT_THROW(build_secret_table({}, Padding::libvirt), InputError);
}

TEST(SecretTable, ParsePadding) {
    EXPECT_EQ(parse_padding("libvirt", "--padding"), Padding::libvirt);
    EXPECT_EQ(parse_padding("sevctl", "--padding"), Padding::sevctl);
    EXPECT_THROW(parse_padding("none", "--padding"), InputError);
}
