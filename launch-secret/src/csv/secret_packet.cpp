#include "ccvm/launch-secret/csv/secret_packet.hpp"

#include <limits>

#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/csv/hmac_sm3.hpp"
#include "ccvm/launch-secret/csv/sm4_ctr.hpp"

namespace ccvm::secret::csv {

Bytes SecretHeader::serialize() const {
    Bytes out;
    out.reserve(kSecretHeaderSize);
    append_le<std::uint32_t>(out, flags);
    append(out, iv);
    append(out, mac);
    return out;
}

SecretPacket build_secret_packet(ByteSpan tek, ByteSpan tik, ByteSpan iv, std::uint32_t flags, ByteSpan data,
                                 ByteSpan launch_measure) {
    if (iv.size() != kSm4IvSize) throw InputError("CSV secret IV must be 16 bytes");
    if (launch_measure.size() != kLaunchMeasureSize)
        throw InputError("CSV launch measure must be 32 bytes, got " + std::to_string(launch_measure.size()));
    if (data.size() > std::numeric_limits<std::uint32_t>::max()) throw InputError("CSV secret larger than 4 GiB");
    SecretPacket p;
    p.header.flags = flags;
    std::copy(iv.begin(), iv.end(), p.header.iv.begin());
    p.ciphertext = sm4_ctr(tek, iv, data);
    Bytes fields;
    fields.push_back(std::byte{0x01});  // csv-rs src/session: the packet-type byte, as SEV's LAUNCH_SECRET
    append_le<std::uint32_t>(fields, flags);
    append(fields, iv);
    append_le<std::uint32_t>(fields, static_cast<std::uint32_t>(data.size()));
    append_le<std::uint32_t>(fields, static_cast<std::uint32_t>(p.ciphertext.size()));
    p.header.mac = hmac_sm3(tik, {fields, p.ciphertext, launch_measure});
    return p;
}

}  // namespace ccvm::secret::csv
