#include "ccvm/launch-secret/session.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/launch-secret/kdf.hpp"

namespace ccvm::secret {
namespace {

// sev.md §8: the derived keys are 128 bits.
constexpr std::size_t kDerivedKeySize = 16;

template <std::size_t N>
std::array<std::byte, N> random_array() {
    std::array<std::byte, N> out{};
    openssl_check(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(N)), "RAND_bytes");
    return out;
}

SecretBytes random_key() {
    SecretBytes k(kTransportKeySize);
    openssl_check(RAND_bytes(reinterpret_cast<unsigned char*>(k.data()), static_cast<int>(k.size())), "RAND_bytes");
    return k;
}

void require_key_size(ByteSpan key, std::string_view name) {
    if (key.size() != kTransportKeySize) {
        throw InputError(std::string(name) + " is " + std::to_string(key.size()) + " bytes, expected 16");
    }
}

template <std::size_t N>
void put(SessionBlob& blob, std::size_t off, const std::array<std::byte, N>& field) {
    std::copy(field.begin(), field.end(), blob.begin() + static_cast<std::ptrdiff_t>(off));
}

}  // namespace

SessionBlob SessionFields::serialize() const {
    SessionBlob blob{};
    put(blob, 0x00, nonce);
    put(blob, 0x10, wrap_tk);
    put(blob, 0x30, wrap_iv);
    put(blob, 0x40, wrap_mac);
    put(blob, 0x60, policy_mac);
    return blob;
}

SessionFields derive_session_fields(ByteSpan z, const SessionNonce& nonce, const AesCtrIv& wrap_iv, ByteSpan tek,
                                    ByteSpan tik, std::uint32_t policy) {
    require_key_size(tek, "TEK");
    require_key_size(tik, "TIK");
    SecretBytes master = kdf_sp800_108(z, kMasterSecretLabel, nonce, kDerivedKeySize);
    SecretBytes kek = kdf_sp800_108(master, kKekLabel, {}, kDerivedKeySize);
    SecretBytes kik = kdf_sp800_108(master, kKikLabel, {}, kDerivedKeySize);

    SecretBytes tek_tik(2 * kTransportKeySize);
    std::copy(tek.begin(), tek.end(), tek_tik.data());
    std::copy(tik.begin(), tik.end(), tek_tik.data() + kTransportKeySize);

    SessionFields f;
    f.nonce = nonce;
    f.wrap_iv = wrap_iv;
    Bytes wrapped = aes_128_ctr(kek, wrap_iv, tek_tik);
    std::copy(wrapped.begin(), wrapped.end(), f.wrap_tk.begin());
    f.wrap_mac = hmac_sha256(kik, {f.wrap_tk});
    // sev.md §8 step 4: POLICY_MAC is keyed with the TIK (not the KIK).
    std::array<std::byte, 4> policy_le{};
    store_le<std::uint32_t>(policy_le, 0, policy);
    f.policy_mac = hmac_sha256(tik, {policy_le});
    return f;
}

LaunchSession create_launch_session(const SevCertificate& pdh, std::uint32_t policy, const SessionOptions& options) {
    const P384Point pdh_key = pdh.ecdh_public_key("PDH");
    std::optional<P384PrivateKey> generated;
    if (!options.godh_private) generated = P384PrivateKey::generate();
    const P384PrivateKey& godh = options.godh_private ? *options.godh_private : *generated;

    LaunchSession s;
    s.tek = options.tek ? options.tek->clone() : random_key();
    s.tik = options.tik ? options.tik->clone() : random_key();
    const SessionNonce nonce = options.nonce ? *options.nonce : random_array<kSessionNonceSize>();
    const AesCtrIv wrap_iv = options.wrap_iv ? *options.wrap_iv : random_array<kAesCtrIvSize>();

    SecretBytes z = godh.ecdh(pdh_key, "PDH");
    s.session = derive_session_fields(z, nonce, wrap_iv, s.tek, s.tik, policy).serialize();
    s.godh = SevCertificate::godh(godh.public_point());
    return s;
}

}  // namespace ccvm::secret
