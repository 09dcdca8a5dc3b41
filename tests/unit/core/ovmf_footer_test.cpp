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
    for (const auto& p : json::get_array(json::at(doc, "primitives")))
        if (json::get_string(json::at(p, "id")) == id) return p;
    throw std::runtime_error("no primitive " + id);
}
}  // namespace

// Every footer entry of every firmware in sev_primitives.json, payload for payload.
TEST(OvmfFooter, MatchesReferenceTables) {
    auto doc = json::parse(read_text_file(test::vectors_dir() / "sev_primitives.json"));
    const auto& names = json::at(primitive(doc, "sev-file-names"), "files");
    int checked = 0;
    for (const auto& p : json::get_array(json::at(doc, "primitives"))) {
        const std::string& id = json::get_string(json::at(p, "id"));
        if (id.rfind("sev-ovmf-footer.", 0) != 0) continue;
        std::string file = id.substr(std::string("sev-ovmf-footer.").size());
        const json::Value* where = json::find(names, file);
        ASSERT_NE(where, nullptr) << file;
        std::string path = test::substitute(where->is_string() ? json::get_string(*where)
                                                               : json::get_string(json::at(*where, "path")));
        MappedFile f(path);
        auto table = ovmf::FooterTable::parse(f.bytes(), path);
        ASSERT_TRUE(table.present()) << path;
        EXPECT_EQ(table.total_len(), json::get_u64(json::at(p, "footer_table_total_len_u16"))) << path;
        const auto& want = json::get_array(json::at(p, "table"));
        EXPECT_EQ(table.entries().size(), want.size()) << path;
        for (const auto& w : want) {
            const auto* e = table.find(Guid::parse(json::get_string(json::at(w, "guid"))));
            ASSERT_NE(e, nullptr) << path << " " << json::get_string(json::at(w, "guid"));
            EXPECT_EQ(to_hex(e->payload), json::get_string(json::at(w, "data_hex"))) << path;
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
