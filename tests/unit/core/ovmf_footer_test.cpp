#include <gtest/gtest.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/ovmf_footer.hpp"
#include "support/paths.hpp"

using namespace ccvm;

namespace {
const json::Value& primitive(const json::Value& doc, const std::string& id) {
    for (const auto& p : doc.at("primitives").as_array())
        if (p.at("id").as_string() == id) return p;
    throw std::runtime_error("no primitive " + id);
}
}  // namespace

// Every footer entry of every firmware in sev_primitives.json, payload for payload.
TEST(OvmfFooter, MatchesReferenceTables) {
    auto doc = json::parse(read_text_file(test::vectors_dir() / "sev_primitives.json"));
    const auto& names = primitive(doc, "sev-file-names").at("files");
    int checked = 0;
    for (const auto& p : doc.at("primitives").as_array()) {
        const std::string& id = p.at("id").as_string();
        if (id.rfind("sev-ovmf-footer.", 0) != 0) continue;
        std::string file = id.substr(std::string("sev-ovmf-footer.").size());
        const json::Value* where = names.find(file);
        ASSERT_NE(where, nullptr) << file;
        std::string path = test::substitute(where->is_string() ? where->as_string() : where->at("path").as_string());
        MappedFile f(path);
        auto table = ovmf::FooterTable::parse(f.bytes(), path);
        ASSERT_TRUE(table.present()) << path;
        EXPECT_EQ(table.total_len(), p.at("footer_table_total_len_u16").as_u64()) << path;
        const auto& want = p.at("table").as_array();
        EXPECT_EQ(table.entries().size(), want.size()) << path;
        for (const auto& w : want) {
            const auto* e = table.find(Guid::parse(w.at("guid").as_string()));
            ASSERT_NE(e, nullptr) << path << " " << w.at("guid").as_string();
            EXPECT_EQ(to_hex(e->payload), w.at("data_hex").as_string()) << path;
            ++checked;
        }
    }
    EXPECT_GE(checked, 20);
}

TEST(OvmfFooter, NoFooterGuidMeansNoTable) {
    Bytes image(4096);
    auto t = ovmf::FooterTable::parse(image);
    EXPECT_FALSE(t.present());
    EXPECT_TRUE(t.entries().empty());
}

TEST(OvmfFooter, RejectsEntryShorterThanItsTail) {
    Bytes image(4096);
    const std::size_t footer = image.size() - 50;
    store_le<std::uint16_t>(image, footer, 18 + 18);  // table = one more entry + footer
    auto g = ovmf::kFooterTableGuid.bytes;
    std::copy(g.begin(), g.end(), image.begin() + static_cast<std::ptrdiff_t>(footer + 2));
    store_le<std::uint16_t>(image, footer - 18, 4);  // entry_len < 18
    EXPECT_THROW(ovmf::FooterTable::parse(image, "bad.fd"), InputError);
    store_le<std::uint16_t>(image, footer - 18, 40);  // runs past the table start
    EXPECT_THROW(ovmf::FooterTable::parse(image, "bad.fd"), InputError);
}
