#include "ccvm/firmware-measure/tdx/ccel.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>

#include "ccvm/firmware-measure/error.hpp"

namespace ccvm::tdx {
namespace {

// TCG PC Client PFP spec: TCG_EfiSpecIDEventStruct signature and the legacy SHA-1 header event.
constexpr std::string_view kSpecIdSignature{"Spec ID Event03\0", 16};
constexpr std::size_t kLegacyDigestSize = 20;
constexpr std::size_t kLegacyHeaderSize = 4 + 4 + kLegacyDigestSize + 4;
// Bound on algorithms per event: the registry has far fewer; stops absurd counts early.
constexpr std::uint32_t kMaxAlgorithms = 16;

std::string at(std::string_view source, std::size_t off) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " at offset 0x%zx", off);
    return std::string(source) + buf;
}

bool is_fill(ByteSpan rest) {
    return std::all_of(rest.begin(), rest.end(), [](std::byte b) { return b == std::byte{0xff}; }) ||
           std::all_of(rest.begin(), rest.end(), [](std::byte b) { return b == std::byte{0}; });
}

}  // namespace

const Bytes* CcelEvent::sha384() const noexcept {
    for (const auto& [alg, d] : digests)
        if (alg == kTpmAlgSha384) return &d;
    return nullptr;
}

CcelLog parse_ccel(ByteSpan log, std::string_view source) {
    CcelLog out;
    // Header: TCG_PCR_EVENT { PCRIndex, EventType = EV_NO_ACTION, SHA1 digest, EventSize, Event }.
    const std::string hdr = at(source, 0) + " (Spec ID header event)";
    if (load_le<std::uint32_t>(log, 4, hdr) != static_cast<std::uint32_t>(EventType::no_action)) {
        throw InputError(hdr + ": first event is not EV_NO_ACTION: not a TCG2 crypto-agile log");
    }
    const std::uint32_t spec_size = load_le<std::uint32_t>(log, 28, hdr);
    ByteSpan spec = checked_subspan(log, kLegacyHeaderSize, spec_size, hdr);
    if (spec.size() < 28 || as_chars(spec.first(16)) != kSpecIdSignature) {
        throw InputError(hdr + ": no \"Spec ID Event03\" signature: not a crypto-agile log");
    }
    const std::uint32_t n_algs = load_le<std::uint32_t>(spec, 24, hdr);
    if (n_algs == 0 || n_algs > kMaxAlgorithms) throw InputError(hdr + ": " + std::to_string(n_algs) + " digest algorithms");
    for (std::uint32_t i = 0; i < n_algs; ++i) {
        out.algorithms.emplace_back(load_le<std::uint16_t>(spec, 28 + 4 * i, hdr), load_le<std::uint16_t>(spec, 30 + 4 * i, hdr));
    }
    auto digest_size = [&](std::uint16_t alg) -> std::optional<std::size_t> {
        for (const auto& [a, size] : out.algorithms)
            if (a == alg) return size;
        return std::nullopt;
    };

    std::size_t off = kLegacyHeaderSize + spec_size;
    while (off < log.size()) {
        if (is_fill(log.subspan(off))) break;
        const std::string where = at(source, off);
        CcelEvent e;
        e.offset = off;
        e.mr_index = load_le<std::uint32_t>(log, off, where);
        e.type = load_le<std::uint32_t>(log, off + 4, where);
        if (e.mr_index == 0xffffffff && e.type == 0xffffffff) break;  // erased log area
        const std::uint32_t count = load_le<std::uint32_t>(log, off + 8, where);
        if (count > kMaxAlgorithms) throw InputError(where + ": " + std::to_string(count) + " digests in one event");
        std::size_t p = off + 12;
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::uint16_t alg = load_le<std::uint16_t>(log, p, where);
            auto size = digest_size(alg);
            if (!size) throw InputError(where + ": digest algorithm 0x" + std::to_string(alg) + " not declared in the header");
            ByteSpan d = checked_subspan(log, p + 2, *size, where + " (digest)");
            e.digests.emplace_back(alg, Bytes(d.begin(), d.end()));
            p += 2 + *size;
        }
        const std::uint32_t data_size = load_le<std::uint32_t>(log, p, where);
        ByteSpan data = checked_subspan(log, p + 4, data_size, where + " (event data)");
        e.data.assign(data.begin(), data.end());
        off = p + 4 + data_size;
        out.events.push_back(std::move(e));
    }
    return out;
}

Rtmrs replay_ccel(const CcelLog& log, std::string_view source) {
    Rtmrs r{};
    for (const CcelEvent& e : log.events) {
        if (e.type == static_cast<std::uint32_t>(EventType::no_action) || e.mr_index == 0) continue;
        const std::string where = at(source, e.offset);
        if (e.mr_index > kRtmrCount) throw InputError(where + ": MR index " + std::to_string(e.mr_index) + " (expected 1..4)");
        const Bytes* d = e.sha384();
        if (d == nullptr || d->size() != 48) throw InputError(where + ": event has no SHA-384 digest");
        Sha384Digest digest{};
        std::memcpy(digest.data(), d->data(), digest.size());
        r[e.mr_index - 1] = extend(r[e.mr_index - 1], digest);
    }
    return r;
}

Bytes build_ccel(std::span<const Event> events) {
    Bytes out;
    // Spec ID Event03: platformClass 0, spec 2.0 errata 0, uintnSize 2 (64-bit), one algorithm.
    Bytes spec(kSpecIdSignature.size());
    std::memcpy(spec.data(), kSpecIdSignature.data(), kSpecIdSignature.size());
    append_le<std::uint32_t>(spec, 0);
    for (std::uint8_t b : {0, 2, 0, 2}) spec.push_back(std::byte{b});
    append_le<std::uint32_t>(spec, 1);
    append_le<std::uint16_t>(spec, kTpmAlgSha384);
    append_le<std::uint16_t>(spec, 48);
    spec.push_back(std::byte{0});  // vendorInfoSize
    append_le<std::uint32_t>(out, 0);
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(EventType::no_action));
    out.insert(out.end(), kLegacyDigestSize, std::byte{0});
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(spec.size()));
    append(out, spec);
    for (const Event& e : events) {
        append_le<std::uint32_t>(out, e.rtmr + 1);
        append_le<std::uint32_t>(out, static_cast<std::uint32_t>(e.type));
        append_le<std::uint32_t>(out, 1);
        append_le<std::uint16_t>(out, kTpmAlgSha384);
        append(out, e.digest);
        append_le<std::uint32_t>(out, static_cast<std::uint32_t>(e.description.size()));
        append(out, as_bytes(e.description));
    }
    return out;
}

}  // namespace ccvm::tdx
