#include "ccvm/launch-secret/csv/launch_start.hpp"

#include <openssl/crypto.h>

#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/launch-secret/csv/hmac_sm3.hpp"
#include "ccvm/launch-secret/csv/sm3_kdf.hpp"
#include "ccvm/launch-secret/csv/sm4_ctr.hpp"

namespace ccvm::secret::csv {
namespace {

// csv.md §5 / csv-rs session/mod.rs: labels and sizes of the key schedule.
constexpr std::size_t kDerivedKeySize = 32;
constexpr std::size_t kTransportKeySize = 16;
// csv-rs session/mod.rs: policy(4) + ms_enc(256) + vm_digest, pubkey_digest, vm_id, vm_version, user_data.
constexpr std::size_t kSessionMacInputSize = 420;

void wipe(Bytes& b) { OPENSSL_cleanse(b.data(), b.size()); }

}  // namespace

SessionKeys::~SessionKeys() {
    wipe(master);
    wipe(kek);
    wipe(kik);
}

SessionKeys derive_session_keys(ByteSpan share_key, ByteSpan nonce) {
    SessionKeys k;
    k.master = derive_key(share_key, kDerivedKeySize, nonce, "csv-master-secret");
    k.kek = derive_key(k.master, kDerivedKeySize, {}, "csv-kek");
    k.kik = derive_key(k.master, kDerivedKeySize, {}, "csv-kik");
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

}  // namespace ccvm::secret::csv
