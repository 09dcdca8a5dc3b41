// Initdata (Trustee kbs/docs/initdata.md, version 0.1.0): a TOML document the host hands to a
// confidential guest whose digest the hardware reports, so a key broker can tell which VM (and which
// configuration) is attesting. Its digest is the hash named by `algorithm` over the whole document
// as written (not over a canonical form), truncated or zero-padded to the TEE's field: SEV-SNP
// HOST_DATA (32 bytes), TDX MRCONFIGID (48), CCA personalization value (64).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

enum class InitdataAlgorithm { sha256, sha384, sha512 };

// "sha256", "sha384", "sha512": the spelling initdata and Trustee use.
std::string_view initdata_algorithm_name(InitdataAlgorithm algo) noexcept;

struct Initdata {
    std::string version;  // "0.1.0" in every document the spec describes
    InitdataAlgorithm algorithm = InitdataAlgorithm::sha384;
    std::map<std::string, std::string> data;  // the [data] table: file name -> content
    std::string text;                         // the document exactly as read: what the digest covers
    std::string source;                       // the file it came from, for messages
};

// Initdata documents larger than this are refused (fw_cfg hands the file to the guest in memory).
inline constexpr std::size_t kMaxInitdataBytes = 256 * 1024;

// Parses the TOML subset initdata uses: top-level `version` and `algorithm`, a `[data]` table of
// string values (basic, literal and multi-line strings), comments. Anything else TOML allows but
// initdata does not need (arrays, numbers, other tables, dotted keys) is refused. Errors are
// InputError "source:line: ...".
Initdata parse_initdata(std::string_view toml, std::string_view source);

// Reads FILE (at most kMaxInitdataBytes) and parses it.
Initdata load_initdata(const std::filesystem::path& file);

// The hash of the whole document with its own algorithm (32, 48 or 64 bytes).
Bytes initdata_digest(const Initdata& initdata);

// `digest` truncated or zero-padded at the end to `size` bytes (initdata.md "Integrity Binding").
Bytes fit_initdata_digest(ByteSpan digest, std::size_t size);

// The width of the field a TEE family binds initdata to: 32 (sev-snp), 48 (tdx), 64 (cca), or
// nullopt for families without one (none, sev, sev-es, csv*).
std::optional<std::size_t> initdata_field_size(TeeKind tee) noexcept;

// What the field is called in the spec and in evidence: "host-data", "mrconfigid",
// "personalization-value" (the spec's tee.* key).
std::optional<std::string_view> initdata_field_key(TeeKind tee) noexcept;

// The initdata ccvmd writes for a SNP/TDX/CCA VM whose spec names none: algorithm sha384, the VM's
// name (so that every VM's digest differs) and the key broker's URL in the attestation agent's and
// confidential data hub's configuration ("aa.toml", "cdh.toml"). InputError when `kbs_url` is not a
// plain http(s) URL that can be written into a TOML string as is.
std::string default_initdata(std::string_view vm_name, std::string_view kbs_url);

// The URL check default_initdata makes: http:// or https://, printable ASCII without quotes,
// backslashes or spaces, at most 2048 bytes.
bool is_plain_kbs_url(std::string_view url) noexcept;

// The spec's initdata binding: its digest fitted to the family's field, or nullopt when the spec
// names no initdata. Reads the file (InputError naming the spec key on failure).
std::optional<Bytes> spec_initdata_binding(const VmSpec& spec);

// Sets the family's field (tee.host-data, tee.mrconfigid, tee.personalization-value) of a spec
// naming initdata to the initdata binding and returns it; nullopt without initdata. A field already
// set (an earlier apply_initdata: the spec parser refuses both in one spec) is returned as it is,
// without reading the file again, so a spec can be applied once and then pointed elsewhere.
std::optional<Bytes> apply_initdata(VmSpec& spec);

// fw_cfg file name under which the guest finds the initdata (QEMU docs/specs/fw_cfg.rst: names
// outside "opt/" are reserved; "opt/<reverse domain>/..." avoids clashes).
inline constexpr std::string_view kInitdataFwCfgName = "opt/org.ccvm/initdata";

}  // namespace ccvm::platform
