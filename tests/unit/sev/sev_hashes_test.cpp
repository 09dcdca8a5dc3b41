#include <gtest/gtest.h>

#include <optional>

#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/sev/sev_hashes.hpp"
#include "sev_vectors.hpp"

using namespace ccvm;
namespace vec = ccvm::test::sev_vectors;

// Every kernel-hashes table of sev_primitives.json: hashes, table bytes and the SNP page at 0xC00.
TEST(SevHashes, MatchesReferenceTables) {
    int checked = 0;
    for (const auto& p : vec::doc().at("primitives").as_array()) {
        if (p.at("id").as_string().rfind("sev-hashes-table.", 0) != 0) continue;
        SCOPED_TRACE(p.at("id").as_string());
        MappedFile kernel(vec::file_path(p.at("kernel").as_string()));
        std::optional<MappedFile> initrd;
        if (!p.at("initrd").is_null()) initrd.emplace(vec::file_path(p.at("initrd").as_string()));
        std::optional<std::string_view> append;
        if (!p.at("append").is_null()) append = p.at("append").as_string();

        const sev::KernelHashes h = sev::hash_kernel_inputs(
            kernel.bytes(), initrd ? std::optional<ByteSpan>(initrd->bytes()) : std::nullopt, append);
        EXPECT_EQ(vec::hex(h.kernel), p.at("kernel_sha256").as_string());
        EXPECT_EQ(vec::hex(h.initrd), p.at("initrd_sha256").as_string());
        EXPECT_EQ(vec::hex(h.cmdline), p.at("cmdline_sha256").as_string());

        const sev::KernelHashesTable table = sev::build_kernel_hashes_table(h);
        EXPECT_EQ(table.size(), p.at("table_len").as_u64());
        EXPECT_EQ(vec::hex(table), p.at("table_hex").as_string());
        EXPECT_EQ(vec::hex(sha384(sev::kernel_hashes_page(table, 0xC00))),
                  p.at("page_for_offset_0xc00_sha384").as_string());
        ++checked;
    }
    EXPECT_EQ(checked, 5);
}

// QEMU target/i386/sev.c, SevHashTable: empty append hashes like no append (SHA-256 of one NUL byte).
TEST(SevHashes, EmptyAppendEqualsNoAppend) {
    const Bytes kernel(100, std::byte{7});
    const auto a = sev::build_kernel_hashes_table(kernel, std::nullopt, std::nullopt);
    const auto b = sev::build_kernel_hashes_table(kernel, std::nullopt, std::string_view(""));
    EXPECT_EQ(a, b);
    EXPECT_EQ(vec::hex(sev::hash_kernel_inputs(kernel, std::nullopt, std::nullopt).cmdline),
              "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(SevHashes, PageRejectsTableCrossingThePageEnd) {
    const sev::KernelHashesTable t{};
    EXPECT_NO_THROW(sev::kernel_hashes_page(t, 4096 - 176));
    EXPECT_THROW(sev::kernel_hashes_page(t, 4096 - 175), InputError);
}
