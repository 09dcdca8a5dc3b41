#include "ccvm/firmware-measure/cca/measurement.hpp"

#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::cca {

HashAlgo hash_algo(MeasurementAlgo algo) noexcept {
    switch (algo) {
        case MeasurementAlgo::sha256:
            return HashAlgo::sha256;
        case MeasurementAlgo::sha512:
            return HashAlgo::sha512;
        case MeasurementAlgo::sha384:
            return HashAlgo::sha384;
    }
    return HashAlgo::sha256;
}

std::size_t digest_size(MeasurementAlgo algo) noexcept { return ccvm::digest_size(hash_algo(algo)); }

std::string_view to_string(MeasurementAlgo algo) noexcept { return ccvm::to_string(hash_algo(algo)); }

std::string_view to_string(RmmVersion version) noexcept { return version == RmmVersion::v1_0 ? "1.0" : "2.0"; }

MeasurementAlgo parse_measurement_algo(std::string_view name, RmmVersion version, std::string_view what) {
    if (name == "sha256") return MeasurementAlgo::sha256;
    if (name == "sha512") return MeasurementAlgo::sha512;
    if (name == "sha384") {
        if (version == RmmVersion::v1_0)
            throw InputError(std::string(what) +
                             ": sha384 needs RMM 1.1 or later (rmm_version 2.0); RMM 1.0 knows sha256 and sha512");
        return MeasurementAlgo::sha384;
    }
    throw InputError(std::string(what) + ": unknown hash algorithm '" + std::string(name) +
                     "' (expected sha256, sha512, or sha384 with RMM 2.0)");
}

RmmVersion parse_rmm_version(std::string_view text, std::string_view what) {
    if (text == "1.0") return RmmVersion::v1_0;
    if (text == "2.0") return RmmVersion::v2_0;
    throw InputError(std::string(what) + ": unknown RMM version '" + std::string(text) + "' (expected 1.0 or 2.0)");
}

MeasurementSlot measure(Hasher& hasher, ByteSpan data) {
    MeasurementSlot slot{};
    hasher.update(data);
    hasher.finish(MutableByteSpan(slot).first(hasher.size()));
    return slot;
}

Bytes slot_value(const MeasurementSlot& slot, MeasurementAlgo algo) {
    return Bytes(slot.begin(), slot.begin() + static_cast<std::ptrdiff_t>(digest_size(algo)));
}

}  // namespace ccvm::cca
