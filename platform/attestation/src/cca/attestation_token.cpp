#include "ccvm/attestation/cca/attestation_token.hpp"

#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::attestation::cca {
namespace {

std::string name(std::string_view token, std::int64_t key) {
    return std::string(token) + " claim " + std::to_string(key);
}

const CborItem& required(const CborItem& claims, std::int64_t key, std::string_view token) {
    const CborItem* item = claims.find(key, token);
    if (item == nullptr)
        throw InputError(std::string(token) + ": mandatory claim " + std::to_string(key) + " is missing");
    return *item;
}

Bytes bytes_of(const CborItem& item, const std::string& what) {
    ByteSpan b = item.as_bytes(what);
    return Bytes(b.begin(), b.end());
}

Bytes required_bytes(const CborItem& claims, std::int64_t key, std::string_view token) {
    return bytes_of(required(claims, key, token), name(token, key));
}

std::optional<std::string> optional_text(const CborItem& claims, std::int64_t key, std::string_view token) {
    const CborItem* item = claims.find(key, token);
    if (item == nullptr) return std::nullopt;
    return std::string(item->as_text(name(token, key)));
}

// The token a collection entry holds: a bstr (tag 399) or a CMW record [content-format, bstr] (tag 907).
ByteSpan collection_entry(const CborItem& collection, std::int64_t key, std::uint64_t tag, std::string_view source) {
    const std::string what = std::string(source) + " collection entry " + std::to_string(key);
    const CborItem* entry = collection.find(key, std::string(source) + " collection");
    if (entry == nullptr) throw InputError(what + " is missing");
    if (tag == kTagCmwCollection) {
        const auto& record = entry->as_array(what);
        if (record.size() < 2) throw InputError(what + ": CMW record needs [type, value]");
        return record[1].as_bytes(what + " value");
    }
    return entry->as_bytes(what);
}

CoseSign1 sign1(ByteSpan token, const std::string& what, CborItem* payload_out, Bytes& payload_storage) {
    const CborItem item = decode_cbor(token, what);
    CoseSign1 s = parse_cose_sign1(item, what);
    payload_storage = s.payload;
    *payload_out = decode_cbor(payload_storage, what + " payload");
    return s;
}

std::vector<SwComponent> sw_components(const CborItem& claims, std::string_view token) {
    std::vector<SwComponent> out;
    const CborItem* list = claims.find(kClaimSwComponents, token);
    if (list == nullptr) return out;
    for (const CborItem& c : list->as_array(name(token, kClaimSwComponents))) {
        const std::string what = std::string(token) + " software component";
        SwComponent sw;
        if (auto t = optional_text(c, 1, what)) sw.type = *t;
        if (const CborItem* m = c.find(2, what)) sw.measurement = bytes_of(*m, what + " measurement");
        if (auto v = optional_text(c, 4, what)) sw.version = *v;
        if (const CborItem* s = c.find(5, what)) sw.signer_id = bytes_of(*s, what + " signer ID");
        if (auto h = optional_text(c, 6, what)) sw.hash_algo = *h;
        out.push_back(std::move(sw));
    }
    return out;
}

PlatformClaims platform_claims(const CborItem& c) {
    const std::string_view token = "platform token";
    PlatformClaims p;
    p.profile = optional_text(c, kClaimProfile, token);
    p.challenge = required_bytes(c, kClaimChallenge, token);
    p.implementation_id = required_bytes(c, kClaimImplementationId, token);
    const CborItem& inst = required(c, kClaimInstanceId, token);
    p.instance_id = bytes_of(inst, name(token, kClaimInstanceId));
    if (const CborItem* l = c.find(kClaimLifecycle, token))
        p.lifecycle = static_cast<std::uint64_t>(l->as_int(name(token, kClaimLifecycle)));
    if (const CborItem* cfg = c.find(kClaimPlatformConfig, token))
        p.config = bytes_of(*cfg, name(token, kClaimPlatformConfig));
    p.hash_algo = optional_text(c, kClaimPlatformHashAlgo, token);
    p.verification_service = optional_text(c, kClaimVerificationService, token);
    p.sw_components = sw_components(c, token);
    return p;
}

RealmClaims realm_claims(const CborItem& c) {
    const std::string_view token = "realm token";
    RealmClaims r;
    r.profile = optional_text(c, kClaimProfile, token);
    r.challenge = required_bytes(c, kClaimChallenge, token);
    r.rpv = required_bytes(c, kClaimRpv, token);
    r.hash_algo = std::string(required(c, kClaimRealmHashAlgo, token).as_text(name(token, kClaimRealmHashAlgo)));
    r.rak = required_bytes(c, kClaimRak, token);
    r.rak_hash_algo = std::string(required(c, kClaimRakHashAlgo, token).as_text(name(token, kClaimRakHashAlgo)));
    r.rim = required_bytes(c, kClaimRim, token);
    const auto& rems = required(c, kClaimRems, token).as_array(name(token, kClaimRems));
    if (rems.size() != r.rem.size())
        throw InputError(std::string(token) + ": claim 44239 holds " + std::to_string(rems.size()) +
                         " REMs, expected 4");
    for (std::size_t i = 0; i < rems.size(); ++i) r.rem[i] = bytes_of(rems[i], name(token, kClaimRems) + " REM");
    return r;
}

}  // namespace

AttestationToken parse_attestation_token(ByteSpan data, std::string_view source) {
    const CborItem top = decode_cbor(data, source);
    if (top.type != CborType::tag || (top.value != kTagEatCollection && top.value != kTagCmwCollection))
        throw InputError(std::string(source) +
                         ": not a CCA attestation token (expected CBOR tag 399 or 907 at offset 0)");
    AttestationToken t;
    t.collection_tag = top.value;
    const CborItem& collection = top.items.front();
    const ByteSpan platform = collection_entry(collection, kKeyPlatformToken, top.value, source);
    const ByteSpan realm = collection_entry(collection, kKeyRealmToken, top.value, source);

    Bytes payload;
    CborItem claims;
    t.platform = sign1(platform, std::string(source) + " platform token", &claims, payload);
    t.platform_claims = platform_claims(claims);
    t.realm = sign1(realm, std::string(source) + " realm token", &claims, payload);
    t.realm_claims = realm_claims(claims);
    return t;
}

}  // namespace ccvm::attestation::cca
