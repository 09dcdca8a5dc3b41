// Fuzzes the JSON glue: the untrusted reader (duplicate keys, depth cap, raw member spans) used for
// evidence and collateral, and the trusted reader and writer used for plans and vector files.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)ccvm::json::dump(ccvm::json::parse(text, "fuzz"), true);
    } catch (const ccvm::Error&) {}
    try {
        const ccvm::json::Document doc = ccvm::json::parse_untrusted_document(text, "fuzz");
        (void)ccvm::json::dump(doc.value);
        // A raw member is exactly the text of the member's value.
        for (const auto& raw : doc.raw_members) {
            if (ccvm::json::parse(raw.text, "raw") != ccvm::json::at(doc.value, raw.key)) __builtin_trap();
        }
    } catch (const ccvm::Error&) {}
    return 0;
}
