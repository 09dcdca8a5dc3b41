// AMD SEV-SNP guests: <launchSecurity type='sev-snp'> (libvirt.md §8.1, libvirt >= 10.5).
#include "blob_file.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/p384.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"
#include "ccvm/launch-secret/snp_id_block.hpp"
#include "families/families.hpp"
#include "families/registers.hpp"
#include "families/sev_measure.hpp"

namespace ccvm::platform {
namespace {

secret::P384PrivateKey load_signing_key(const VmSpec& spec, const std::string& key, const std::filesystem::path& path) {
    try {
        const secret::SecretBytes pem = secret::read_secret_file(path);
        return secret::P384PrivateKey::from_pem(pem, path.string());
    } catch (const InputError& e) {
        throw InputError(spec.where(key) + ": " + key + ": " + e.what());
    }
}

std::array<std::byte, 16> id_field(const std::optional<std::string>& b64, std::string_view key) {
    std::array<std::byte, 16> out{};
    if (b64) {
        const Bytes raw = from_base64(*b64, key);  // 16 bytes: checked when the spec was read
        std::copy(raw.begin(), raw.end(), out.begin());
    }
    return out;
}

// The ID block for the launch digest this spec produces, signed with the spec's ID key, so the
// SNP firmware refuses a guest built from other inputs (sev.md §11a).
secret::SignedIdBlock sign_id_block(const VmSpec& spec, const SnpOptions& o) {
    RegisterTable regs({"launch_digest"});
    measure_sev_launch_digest(spec, regs);
    const Registers digest = std::move(regs).finish();
    const auto value = digest.values.find("launch_digest");
    if (value == digest.values.end()) {
        throw InputError(spec.where("tee.id-key") +
                         ": tee.id-key: cannot sign an ID block without the launch digest: " +
                         digest.not_computed.at("launch_digest"));
    }
    secret::IdBlock block;
    if (value->second.size() != block.launch_digest.size())
        throw std::logic_error("SNP launch digest of " + std::to_string(value->second.size()) + " bytes");
    std::copy(value->second.begin(), value->second.end(), block.launch_digest.begin());
    block.family_id = id_field(o.family_id, "tee.family-id");
    block.image_id = id_field(o.image_id, "tee.image-id");
    block.guest_svn = o.guest_svn;
    block.policy = o.policy;
    const secret::P384PrivateKey id_key = load_signing_key(spec, "tee.id-key", *o.id_key);
    std::optional<secret::P384PrivateKey> author;
    if (o.id_author_key) author = load_signing_key(spec, "tee.id-author-key", *o.id_author_key);
    return secret::make_id_block(block, id_key, author ? &*author : nullptr);
}

class SevSnpFamily final : public TeeFamily {
public:
    TeeKind kind() const noexcept override { return TeeKind::sev_snp; }

    void shape_domain(const VmSpec& spec, DomainParts& parts) const override {
        const SnpOptions& o = *spec.options<SnpOptions>();
        // QEMU's SNP support needs a single -bios image (libvirt.md §8.2, AMDESE/AMDSEV#223).
        parts.loader_type = "rom";
        parts.loader_stateless = true;
        parts.iommu_platform = true;
        parts.on_reboot = "destroy";
        XmlElement ls("launchSecurity");
        ls.attr("type", "sev-snp")
            .attr("kernelHashes", o.kernel_hashes ? "yes" : "no")
            .attr("authorKey", o.author_key ? "yes" : "no")
            .attr("vcek", o.vcek ? "yes" : "no");
        ls.add("cbitpos", std::to_string(spec.host.cbitpos));
        ls.add("reducedPhysBits", std::to_string(spec.host.reduced_phys_bits));
        ls.add("policy", hex_value(o.policy));
        if (o.guest_visible_workarounds) ls.add("guestVisibleWorkarounds", *o.guest_visible_workarounds);
        // SEV-SNP ABI: ID_BLOCK is 96 bytes, ID_AUTH_INFO 4096.
        if (o.id_block_file) ls.add("idBlock", load_blob_base64(*o.id_block_file, 96, "tee.id-block-file"));
        if (o.id_auth_file) ls.add("idAuth", load_blob_base64(*o.id_auth_file, 4096, "tee.id-auth-file"));
        if (o.id_key) {
            const secret::SignedIdBlock signed_block = sign_id_block(spec, o);
            ls.add("idBlock", to_base64(signed_block.id_block));
            ls.add("idAuth", to_base64(signed_block.id_auth.bytes));
        }
        if (o.host_data) ls.add("hostData", *o.host_data);
        parts.launch_security = std::move(ls);
    }

    std::vector<std::string> registers() const override { return {"launch_digest"}; }

    Registers measure(const VmSpec& spec) const override {
        RegisterTable regs(registers());
        measure_sev_launch_digest(spec, regs);
        return std::move(regs).finish();
    }
};

}  // namespace

const TeeFamily& sev_snp_family() {
    static const SevSnpFamily family;
    return family;
}

}  // namespace ccvm::platform
