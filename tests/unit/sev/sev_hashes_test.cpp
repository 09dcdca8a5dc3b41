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
    for (const auto& p : json::get_array(json::at(vec::doc(), "primitives"))) {
        if (json::get_string(json::at(p, "id")).rfind("sev-hashes-table.", 0) != 0) continue;
        SCOPED_TRACE(json::get_string(json::at(p, "id")));
        MappedFile kernel(vec::file_path(json::get_string(json::at(p, "kernel"))));
        std::optional<MappedFile> initrd;
        if (!json::at(p, "initrd").is_null()) initrd.emplace(vec::file_path(json::get_string(json::at(p, "initrd"))));
        std::optional<std::string_view> append;
        if (!json::at(p, "append").is_null()) append = json::get_string(json::at(p, "append"));

        const sev::KernelHashes h = sev::hash_kernel_inputs(
            kernel.bytes(), initrd ? std::optional<ByteSpan>(initrd->bytes()) : std::nullopt, append);
        EXPECT_EQ(vec::hex(h.kernel), json::get_string(json::at(p, "kernel_sha256")));
        EXPECT_EQ(vec::hex(h.initrd), json::get_string(json::at(p, "initrd_sha256")));
        EXPECT_EQ(vec::hex(h.cmdline), json::get_string(json::at(p, "cmdline_sha256")));

        const sev::KernelHashesTable table = sev::build_kernel_hashes_table(h);
        EXPECT_EQ(table.size(), json::get_u64(json::at(p, "table_len")));
        EXPECT_EQ(vec::hex(table), json::get_string(json::at(p, "table_hex")));
        EXPECT_EQ(vec::hex(sha384(sev::kernel_hashes_page(table, 0xC00))),
                  json::get_string(json::at(p, "page_for_offset_0xc00_sha384")));
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
