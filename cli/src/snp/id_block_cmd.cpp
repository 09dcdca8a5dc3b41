// `ccvm snp id-block`: the SEV-SNP ID block and ID auth structure (AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_FINISH,
// ID block) that libvirt
// (<idBlock>/<idAuth>) and QEMU (id-block=/id-auth=) pass to SNP_LAUNCH_FINISH.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/launch-secret/snp_id_block.hpp"
#include "commands.hpp"
#include "secret/secret_args.hpp"

namespace ccvm::cli {
namespace {

struct IdBlockArgs {
    std::string measurement;
    std::string policy = "0x30000";
    std::string id_key;
    std::optional<std::string> author_key;
    std::optional<std::string> family_id, image_id;
    std::string guest_svn = "0";
    std::string output_format = "text";
};

// 96 hex digits (as `ccvm measure --mode snp` prints) or 64 base64 characters (sev-snp-measure).
Sha384Digest parse_launch_digest(const std::string& text) {
    Bytes b = text.size() == 2 * 48 ? from_hex(text, "--measurement") : from_base64(text, "--measurement");
    if (b.size() != 48)
        throw InputError("--measurement: " + std::to_string(b.size()) + " bytes, expected a 48-byte SNP launch digest");
    Sha384Digest d{};
    std::copy(b.begin(), b.end(), d.begin());
    return d;
}

secret::P384PrivateKey load_key(const std::string& path) {
    secret::SecretBytes pem = secret::read_secret_file(path, secret_file_access());
    return secret::P384PrivateKey::from_pem(pem, path);
}

int run_id_block(const IdBlockArgs& a) {
    const bool json = a.output_format == "json";
    if (!json && a.output_format != "text") throw InputError("snp id-block: --output-format must be text or json");
    secret::IdBlock block;
    block.launch_digest = parse_launch_digest(a.measurement);
    block.policy = parse_bounded(a.policy, "--policy", 64);
    block.guest_svn = static_cast<std::uint32_t>(parse_bounded(a.guest_svn, "--guest-svn", 32));
    if (a.family_id) block.family_id = parse_fixed_hex<16>(*a.family_id, "--family-id");
    if (a.image_id) block.image_id = parse_fixed_hex<16>(*a.image_id, "--image-id");
    const secret::P384PrivateKey id_key = load_key(a.id_key);
    std::optional<secret::P384PrivateKey> author;
    if (a.author_key) author = load_key(*a.author_key);
    const secret::SignedIdBlock r = secret::make_id_block(block, id_key, author ? &*author : nullptr);

    const std::string id_block = to_base64(r.id_block);
    const std::string id_auth = to_base64(r.id_auth.bytes);
    const std::string id_digest = to_hex(r.id_key_digest);
    const std::string author_digest = r.author_key_digest ? to_hex(*r.author_key_digest) : "";
    if (json) {
        json::Value out = json::Value::object();
        out["id_block"] = id_block;
        out["id_auth"] = id_auth;
        out["id_key_digest"] = id_digest;
        out["author_key_digest"] = r.author_key_digest ? json::Value(author_digest) : json::Value(nullptr);
        std::cout << json::dump(out, true) << "\n";
    } else {
        std::cout << "id-block: " << id_block << "\n"
                  << "id-auth: " << id_auth << "\n"
                  << "id-key-digest: " << id_digest << "\n";
        if (r.author_key_digest) std::cout << "author-key-digest: " << author_digest << "\n";
    }
    return 0;
}

}  // namespace

void add_snp_id_block_command(CLI::App& app, Commands& commands) {
    auto a = std::make_shared<IdBlockArgs>();
    CLI::App* snp = ensure_subcommand(app, "snp", "SEV-SNP guest-owner tools");
    CLI::App* c =
        snp->add_subcommand("id-block", "Sign an SNP ID block and ID auth structure for an expected launch digest");
    c->add_option("--measurement", a->measurement, "Expected SNP launch digest (96 hex digits or base64)")->required();
    c->add_option("--policy", a->policy, "SNP guest policy, equal to the launch policy (default 0x30000)");
    c->add_option("--id-key", a->id_key, "ID key: EC P-384 private key, unencrypted PEM (mode 0600)")->required();
    c->add_option("--author-key", a->author_key, "Author key: EC P-384 private key, unencrypted PEM (mode 0600)");
    c->add_option("--family-id", a->family_id, "FAMILY_ID, 16 bytes hex (default zero)");
    c->add_option("--image-id", a->image_id, "IMAGE_ID, 16 bytes hex (default zero)");
    c->add_option("--guest-svn", a->guest_svn, "GUEST_SVN (default 0)");
    c->add_option("--output-format", a->output_format, "text (default) or json");
    commands.add(c, [a] { return run_id_block(*a); });
}

}  // namespace ccvm::cli
