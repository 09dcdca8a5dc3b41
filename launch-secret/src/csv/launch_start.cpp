#include "ccvm/launch-secret/csv/launch_start.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/csv/hmac_sm3.hpp"
#include "ccvm/launch-secret/csv/sm3_kdf.hpp"
#include "ccvm/launch-secret/csv/sm4_ctr.hpp"

namespace ccvm::secret::csv {
namespace {

// csv-rs src/session session/mod.rs: labels and sizes of the key schedule.
constexpr std::size_t kDerivedKeySize = 32;
constexpr std::size_t kTransportKeySize = 16;
// csv-rs session/mod.rs: policy(4) + ms_enc(256) + vm_digest, pubkey_digest, vm_id, vm_version, user_data.
constexpr std::size_t kSessionMacInputSize = 420;

void wipe(Bytes& b) { OPENSSL_cleanse(b.data(), b.size()); }

void ossl_check_rand(MutableByteSpan out) {
    if (RAND_priv_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) != 1)
        throw SystemError("OpenSSL: RAND_priv_bytes failed");
}

}  // namespace

SessionKeys::~SessionKeys() {
    wipe(master);
    wipe(kek);
    wipe(kik);
}

SessionKeys derive_session_keys(ByteSpan share_key, ByteSpan nonce) {
    Bytes master = derive_key(share_key, kDerivedKeySize, nonce, "csv-master-secret");
    SessionKeys k = session_keys_from_master(master);
    wipe(master);
    return k;
}

SessionKeys session_keys_from_master(ByteSpan master) {
    SessionKeys k;
    k.master.assign(master.begin(), master.end());
    k.kek = derive_key(master, kDerivedKeySize, {}, "csv-kek");
    k.kik = derive_key(master, kDerivedKeySize, {}, "csv-kik");
    return k;
}

WrappedTransportKeys wrap_transport_keys(const SessionKeys& keys, ByteSpan tek, ByteSpan tik, ByteSpan iv) {
    if (tek.size() != kTransportKeySize || tik.size() != kTransportKeySize)
        throw InputError("CSV TEK and TIK must be 16 bytes each");
    Bytes plain(tek.begin(), tek.end());
    append(plain, tik);
    Bytes wrapped = sm4_ctr(ByteSpan(keys.kek).first(kSm4KeySize), iv, plain);
    wipe(plain);
    WrappedTransportKeys out;
    std::copy(wrapped.begin(), wrapped.end(), out.wrap_tk.begin());
    out.wrap_mac = hmac_sm3(keys.kik, {iv, out.wrap_tk});
    return out;
}

Bytes encrypt_master_secret(const Sm2PublicKey& pdh, ByteSpan master) {
    Bytes ms_enc = pdh.encrypt(master);
    if (ms_enc.size() > kMasterSecretFieldSize) throw InputError("SM2-encrypted master secret exceeds 256 bytes");
    ms_enc.resize(kMasterSecretFieldSize, std::byte{0});
    return ms_enc;
}

Sm3Digest session_mac(ByteSpan tik, std::uint32_t policy, ByteSpan ms_enc) {
    if (ms_enc.size() != kMasterSecretFieldSize) throw InputError("ms_enc must be 256 bytes");
    Bytes input;
    append_le<std::uint32_t>(input, policy);
    append(input, ms_enc);
    input.resize(kSessionMacInputSize, std::byte{0});
    return hmac_sm3(tik, {input});
}

Bytes SessionBody::serialize() const {
    if (ms_enc.size() != kMasterSecretFieldSize) throw InputError("ms_enc must be 256 bytes");
    Bytes out;
    out.reserve(kSessionBodySize);
    append(out, nonce);
    append(out, wrap_tk);
    append(out, wrap_iv);
    append(out, wrap_mac);
    append(out, session_mac);
    out.resize(out.size() + 16 + 148);  // key_id, rnd_pub_key_data: unused (csv-rs keeps them zero)
    append(out, ms_enc);
    out.resize(kSessionBodySize);  // vm_digest, pubkey_digest, vm_id, vm_version, user_data
    return out;
}

CsvCertificate make_owner_certificate(const Sm2PublicKey& key) {
    CsvCertificate c;
    c.version = 1;
    c.usage = static_cast<std::uint32_t>(KeyUsage::pdh);
    c.algo = kAlgoSm2KeyAgreement;
    c.pubkey.curve = kCurveSm2_256;
    const auto x = key.x_le(), y = key.y_le();
    std::copy(x.begin(), x.end(), c.pubkey.x.begin());
    std::copy(y.begin(), y.end(), c.pubkey.y.begin());
    c.uid.assign(as_bytes(kGuestUserId).begin(), as_bytes(kGuestUserId).end());
    for (auto& slot : c.slots) slot.usage = static_cast<std::uint32_t>(KeyUsage::empty_slot);
    c.raw = c.serialize();
    return c;
}

LaunchStartPackage::~LaunchStartPackage() {
    OPENSSL_cleanse(tek.data(), tek.size());
    OPENSSL_cleanse(tik.data(), tik.size());
}

namespace {

Block16 fixed_or_random(const std::optional<Block16>& fixed) {
    Block16 b{};
    if (fixed) return *fixed;
    ossl_check_rand(b);
    return b;
}

}  // namespace

LaunchStartPackage create_launch_start(const CsvCertificate& platform_pdh, std::uint32_t policy,
                                       const LaunchStartOptions& options) {
    if (platform_pdh.usage != static_cast<std::uint32_t>(KeyUsage::pdh))
        throw InputError("pdh: certificate key usage is " + std::to_string(platform_pdh.usage) +
                         ", expected PDH (0x1003)");
    const Sm2PublicKey pdh_key = platform_pdh.pubkey.to_sm2("PDH public key");
    const std::optional<Sm2PrivateKey> generated =
        options.owner_key ? std::nullopt : std::optional<Sm2PrivateKey>(Sm2PrivateKey::generate());
    const Sm2PrivateKey& owner = options.owner_key ? *options.owner_key : *generated;

    LaunchStartPackage pkg;
    pkg.tek = fixed_or_random(options.tek);
    pkg.tik = fixed_or_random(options.tik);
    Block16 z = fixed_or_random(options.share_key);
    SessionBody body;
    body.nonce = fixed_or_random(options.nonce);
    body.wrap_iv = fixed_or_random(options.wrap_iv);

    const SessionKeys keys = derive_session_keys(z, body.nonce);
    OPENSSL_cleanse(z.data(), z.size());
    const WrappedTransportKeys wrapped = wrap_transport_keys(keys, pkg.tek, pkg.tik, body.wrap_iv);
    body.wrap_tk = wrapped.wrap_tk;
    body.wrap_mac = wrapped.wrap_mac;
    body.ms_enc = encrypt_master_secret(pdh_key, keys.master);
    body.session_mac = session_mac(pkg.tik, policy, body.ms_enc);

    pkg.session = body.serialize();
    const auto sig = owner.sign(pkg.session, as_bytes(kGuestUserId));
    append(pkg.session, sig.r);
    append(pkg.session, sig.s);
    pkg.owner_certificate = make_owner_certificate(owner.public_key());
    return pkg;
}

}  // namespace ccvm::secret::csv
