// Fuzzes the JSON reader used for CCA plans and vector files.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto v = ccvm::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
        (void)v.dump();
    } catch (const ccvm::Error&) {}
    return 0;
}
