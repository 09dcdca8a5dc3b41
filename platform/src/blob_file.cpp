#include "blob_file.hpp"

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"

namespace ccvm::platform {

std::string load_blob_base64(const std::filesystem::path& path, std::size_t size, std::string_view what) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw InputError(std::string(what) + ": " + path.string() + " does not exist or is not a regular file");
    auto file_size = std::filesystem::file_size(path, ec);
    // Base64 of `size` bytes plus generous whitespace; anything bigger is not this blob.
    if (!ec && file_size > size * 2 + 4096)
        throw InputError(std::string(what) + ": " + path.string() + " has " + std::to_string(file_size) +
                         " bytes, expected " + std::to_string(size) + " bytes or their base64");
    Bytes raw = read_file(path);
    if (raw.size() == size) return to_base64(raw);
    try {
        Bytes decoded = from_base64(as_chars(raw), what);
        if (decoded.size() == size) return to_base64(decoded);
    } catch (const InputError&) {}
    throw InputError(std::string(what) + ": " + path.string() + ": expected " + std::to_string(size) +
                     " bytes or their base64, got " + std::to_string(raw.size()) + " bytes");
}

}  // namespace ccvm::platform
