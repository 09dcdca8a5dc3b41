#include "secret/secret_args.hpp"

#include <cstdlib>

#include "args.hpp"
#include "ccvm/launch-secret/launch_measure.hpp"

namespace ccvm::cli {

secret::SecretFileAccess secret_file_access() {
    const char* v = std::getenv("CCVM_ALLOW_READABLE_SECRETS");
    return v != nullptr && std::string_view(v) == "1" ? secret::SecretFileAccess::allow_readable
                                                      : secret::SecretFileAccess::owner_only;
}

std::uint64_t parse_bounded(std::string_view text, std::string_view flag, unsigned bits) {
    const std::uint64_t v = parse_uint(text, flag);
    if (bits < 64 && v >> bits != 0) {
        throw InputError(std::string(flag) + ": " + std::string(text) + " does not fit in " + std::to_string(bits) +
                         " bits");
    }
    return v;
}

Bytes parse_measurement_blob(std::string_view b64, std::string_view flag) {
    Bytes blob = from_base64(b64, flag);
    if (blob.size() != secret::kLaunchMeasureBlobSize) {
        throw InputError(std::string(flag) + ": decodes to " + std::to_string(blob.size()) +
                         " bytes, expected the 48-byte LAUNCH_MEASURE blob (32-byte measure + 16-byte mnonce)");
    }
    return blob;
}

}  // namespace ccvm::cli
