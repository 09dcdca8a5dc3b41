#include "ccvm/launch-secret/sev_cert.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"

namespace ccvm::secret {
namespace {

// AMD SEV API spec (pub. 55766) LAUNCH_START: field offsets.
constexpr std::size_t kOffVersion = 0x000;
constexpr std::size_t kOffApiMajor = 0x004;
constexpr std::size_t kOffApiMinor = 0x005;
constexpr std::size_t kOffReserved = 0x006;
constexpr std::size_t kOffUsage = 0x008;
constexpr std::size_t kOffAlgo = 0x00C;
constexpr std::size_t kOffCurve = 0x010;
constexpr std::size_t kOffQx = 0x014;
constexpr std::size_t kOffQy = 0x05C;
constexpr std::size_t kOffKeyReserved = 0x0A4;
constexpr std::size_t kOffSig[2] = {0x414, 0x61C};
constexpr std::size_t kSigSlotSize = 8 + kSevCertSignatureSize;

static_assert(kOffKeyReserved + kSevCertKeyReservedSize == kOffSig[0]);
static_assert(kOffSig[1] + kSigSlotSize == kSevCertSize);

template <std::size_t N>
void copy_out(ByteSpan data, std::size_t off, std::array<std::byte, N>& out) {
    std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(off), N, out.begin());
}

template <std::size_t N>
void copy_in(Bytes& out, std::size_t off, const std::array<std::byte, N>& in) {
    std::copy(in.begin(), in.end(), out.begin() + static_cast<std::ptrdiff_t>(off));
}

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", v);
    return buf;
}

}  // namespace

SevCertificate SevCertificate::parse(ByteSpan data, std::string_view source) {
    const std::string src(source);
    if (data.size() != kSevCertSize) {
        throw InputError(src + ": SEV certificate is " + std::to_string(data.size()) + " bytes, expected " +
                         std::to_string(kSevCertSize));
    }
    SevCertificate c;
    c.version = load_le<std::uint32_t>(data, kOffVersion, source);
    if (c.version != 1)
        throw InputError(src + ": unsupported SEV certificate version " + std::to_string(c.version) +
                         " at offset 0x0 (expected 1)");
    c.api_major = load_le<std::uint8_t>(data, kOffApiMajor, source);
    c.api_minor = load_le<std::uint8_t>(data, kOffApiMinor, source);
    c.reserved = load_le<std::uint16_t>(data, kOffReserved, source);
    c.usage = load_le<std::uint32_t>(data, kOffUsage, source);
    c.algo = load_le<std::uint32_t>(data, kOffAlgo, source);
    c.curve = load_le<std::uint32_t>(data, kOffCurve, source);
    copy_out(data, kOffQx, c.qx);
    copy_out(data, kOffQy, c.qy);
    copy_out(data, kOffKeyReserved, c.key_reserved);
    for (std::size_t i = 0; i < 2; ++i) {
        c.signatures[i].usage = load_le<std::uint32_t>(data, kOffSig[i], source);
        c.signatures[i].algo = load_le<std::uint32_t>(data, kOffSig[i] + 4, source);
        copy_out(data, kOffSig[i] + 8, c.signatures[i].sig);
    }
    return c;
}

SevCertificate SevCertificate::load(std::string_view file_or_base64) {
    const std::filesystem::path path{std::string(file_or_base64)};
    std::error_code ec;
    const bool is_file = std::filesystem::exists(path, ec);
    return parse(read_file_or_base64(file_or_base64, "PDH"), is_file ? path.string() : "PDH (base64)");
}

SevCertificate SevCertificate::godh(const P384Point& public_key) {
    SevCertificate c;  // defaults: version 1, API 0.0, usage PDH, ECDH-SHA256, P-384, unsigned
    store_le_padded(c.qx, public_key.x);
    store_le_padded(c.qy, public_key.y);
    return c;
}

Bytes SevCertificate::serialize() const {
    Bytes out(kSevCertSize);
    store_le<std::uint32_t>(out, kOffVersion, version);
    store_le<std::uint8_t>(out, kOffApiMajor, api_major);
    store_le<std::uint8_t>(out, kOffApiMinor, api_minor);
    store_le<std::uint16_t>(out, kOffReserved, reserved);
    store_le<std::uint32_t>(out, kOffUsage, usage);
    store_le<std::uint32_t>(out, kOffAlgo, algo);
    store_le<std::uint32_t>(out, kOffCurve, curve);
    copy_in(out, kOffQx, qx);
    copy_in(out, kOffQy, qy);
    copy_in(out, kOffKeyReserved, key_reserved);
    for (std::size_t i = 0; i < 2; ++i) {
        store_le<std::uint32_t>(out, kOffSig[i], signatures[i].usage);
        store_le<std::uint32_t>(out, kOffSig[i] + 4, signatures[i].algo);
        copy_in(out, kOffSig[i] + 8, signatures[i].sig);
    }
    return out;
}

P384Point SevCertificate::ecdh_public_key(std::string_view source) const {
    const std::string src(source);
    if (algo != kSevAlgoEcdhSha256) {
        throw InputError(src + ": certificate algo " + hex32(algo) +
                         " at offset 0xc is not ECDH-SHA256 (3); is this a PDH?");
    }
    if (curve != kSevCurveP384) {
        throw InputError(src + ": certificate curve " + std::to_string(curve) + " at offset 0x10 is not P-384 (2)");
    }
    return {load_le_padded(qx, src + " QX (offset 0x14)"), load_le_padded(qy, src + " QY (offset 0x5c)")};
}

}  // namespace ccvm::secret
