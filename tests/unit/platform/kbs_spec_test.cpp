// The spec side of runtime attestation (issue 15): initdata, runtime secrets by KBS resource path,
// pinned reference values; their domain XML (fw_cfg, bound fields) and `ccvm export trustee`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/platform/domain_xml.hpp"
#include "ccvm/platform/initdata.hpp"
#include "ccvm/platform/measure_spec.hpp"
#include "ccvm/platform/trustee_export.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "platform_test_util.hpp"

namespace ccvm::platform {
namespace {

const std::string kInitdata =
    "version = \"0.1.0\"\nalgorithm = \"sha384\"\n\n[data]\n\"aa.toml\" = '''\n[token_configs.kbs]\n"
    "url = \"http://192.0.2.7:8080\"\n'''\n";

Bytes sha384_bytes(const std::string& text) {
    const auto d = sha384(as_bytes(text));
    return Bytes(d.begin(), d.end());
}

std::string error_of(const std::string& yaml) {
    try {
        parse_vm_spec(yaml, "s.yaml");
    } catch (const InputError& e) {
        return e.what();
    }
    return "accepted";
}

std::string ovmf() { return (test::inputs_dir() / "firmware" / "debian12" / "OVMF.fd").string(); }
std::string tdvf() { return (test::inputs_dir() / "firmware" / "debian13" / "OVMF.fd").string(); }

std::string snp_spec(const std::string& extra_tee, const std::string& extra) {
    return "name: snp1\nmemory: 1G\ncpu-model: EPYC-v4\nfirmware: " + ovmf() + "\ntee:\n  type: sev-snp\n" + extra_tee +
           extra;
}

TEST(KbsSpec, ParsesInitdataRuntimeSecretsAndReferenceValues) {
    const VmSpec s = parse_vm_spec(
        "name: td\nmemory: 1G\nfirmware: /fw.fd\ninitdata: /etc/initdata.toml\ntee:\n  type: tdx\n"
        "  reference-values:\n    rtmr1: " +
            std::string(96, 'a') + "\n    rtmr2: " + std::string(96, '0') +
            "\nsecrets:\n  - resource: default/key/disk\n    file: /k1\n  - resource: r.1/t-2/tag_3\n    file: /k2\n",
        "s.yaml");
    EXPECT_EQ(s.initdata, std::filesystem::path("/etc/initdata.toml"));
    ASSERT_EQ(s.runtime_secrets.size(), 2u);
    EXPECT_EQ(s.runtime_secrets[0].resource, "default/key/disk");
    EXPECT_EQ(s.runtime_secrets[0].file, std::filesystem::path("/k1"));
    EXPECT_EQ(s.runtime_secrets[1].resource, "r.1/t-2/tag_3");
    EXPECT_EQ(s.runtime_secrets[1].key, "secrets[1]");
    EXPECT_TRUE(s.secrets.empty());
    ASSERT_EQ(s.reference_values.size(), 2u);
    EXPECT_EQ(to_hex(s.reference_values.at("rtmr1")), std::string(96, 'a'));
    EXPECT_EQ(s.reference_values.at("rtmr2"), Bytes(48));
}

TEST(KbsSpec, ErrorsNameTheFieldAndPosition) {
    const std::string g = "736869e5-84f0-4973-92ec-06879ce3da0b";
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee: sev\nsecrets:\n  - resource: a/b/c\n    file: /k\n"),
              "s.yaml:6:15: secrets[0].resource: sev guests take secrets at launch by GUID; resource (runtime release "
              "over the KBS protocol) is for sev-snp, tdx and cca");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee: csv3\nsecrets:\n  - resource: a/b/c\n    file: /k\n")
                  .rfind("s.yaml:6:15: secrets[0].resource: csv3 guests", 0),
              0u);
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee: tdx\nsecrets:\n  - guid: " + g + "\n    file: /k\n"),
              "s.yaml:6:11: secrets[0].guid: tdx guests have no launch secret injection: name the secret as "
              "resource: REPO/TYPE/TAG (released at run time over the KBS protocol)");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee: cca\nsecrets:\n  - resource: a/b\n    file: /k\n"),
              "s.yaml:6:15: secrets[0].resource: expected REPO/TYPE/TAG (letters, digits, '_', '-', '.'), got 'a/b'");
    for (const char* bad : {"a/b/c/d", "a//c", ".a/b/c", "a/b/c d", "a/b/"})
        EXPECT_NE(error_of("name: a\nmemory: 1G\nkernel: /k\ntee: cca\nsecrets:\n  - resource: \"" + std::string(bad) +
                           "\"\n    file: /k\n")
                      .find("expected REPO/TYPE/TAG"),
                  std::string::npos)
            << bad;
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\ntee: cca\nsecrets:\n  - resource: a/b/c\n    file: /k\n"
                       "  - resource: a/b/c\n    file: /j\n"),
              "s.yaml:8:15: secrets[1].resource: resource a/b/c is listed twice");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\ntee: cca\nsecrets:\n  - resource: a/b/c\n    guid: " + g +
                       "\n    file: /k\n"),
              "s.yaml:6:15: secrets[0]: give guid (SEV/CSV launch secret) or resource (KBS), not both");

    // initdata and the field it sets, in both orders: the message names both places.
    EXPECT_EQ(error_of(snp_spec("  host-data: " + std::string(64, '0') + "\n", "initdata: /i.toml\n")),
              "s.yaml:8:11: initdata: conflicts with tee.host-data (s.yaml:7:3): the initdata digest is that field's "
              "value; remove one of them");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ninitdata: /i.toml\ntee:\n  type: tdx\n  mrconfigid: " +
                       std::string(96, '0') + "\n"),
              "s.yaml:4:11: initdata: conflicts with tee.mrconfigid (s.yaml:7:3): the initdata digest is that "
              "field's value; remove one of them");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\ninitdata: /i.toml\ntee:\n  type: cca\n"
                       "  personalization-value: " +
                       std::string(128, '0') + "\n")
                  .rfind("s.yaml:4:11: initdata: conflicts with tee.personalization-value (s.yaml:7:3)", 0),
              0u);
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ninitdata: /i.toml\ntee: sev-es\n"),
              "s.yaml:4:11: initdata: tee sev-es reports no field to bind initdata to (sev-snp HOST_DATA, tdx "
              "MRCONFIGID, cca personalization value)");

    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: tdx\n  reference-values:\n    rim: 00\n"),
              "s.yaml:7:5: tee.reference-values: 'rim' is not a register of tee type tdx (known: mrtd, rtmr0, rtmr1, "
              "rtmr2, rtmr3)");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: tdx\n  reference-values:\n    rtmr1: abcd\n"),
              "s.yaml:7:12: tee.reference-values.rtmr1: expected 48 bytes (96 hex digits or base64), got 3 bytes");
    // CCA registers follow the realm's hash algorithm.
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\ntee:\n  type: cca\n  hash-algo: sha256\n"
                       "  reference-values:\n    rem0: " +
                       std::string(128, '1') + "\n")
                  .rfind("s.yaml:8:11: tee.reference-values.rem0: expected 32 bytes", 0),
              0u);
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: sev\n  reference-values:\n    x: 00\n"),
              "s.yaml:6:3: tee.reference-values: not an option of tee type sev");
}

TEST(KbsSpec, DomainXmlDeliversInitdataAndBindsItsDigest) {
    test::TempDir dir;
    const auto initdata = dir.write("initdata.toml", kInitdata, 0644);
    const Bytes digest = sha384_bytes(kInitdata);
    struct Case {
        std::string yaml;
        std::string bound;  // the element or argument that must carry the binding
    };
    const Case cases[] = {
        {snp_spec("", "initdata: " + initdata.string() + "\n"),
         "<hostData>" + to_base64(ByteSpan(digest).first(32)) + "</hostData>"},
        {"name: td\nmemory: 1G\nfirmware: " + tdvf() + "\ninitdata: " + initdata.string() +
             "\ntee: tdx\nhost:\n  page-add-order: single-pass\n",
         "<mrConfigId>" + to_base64(digest) + "</mrConfigId>"},
        {"name: realm\nmemory: 1G\nkernel: /k\ninitdata: " + initdata.string() + "\ntee: cca\n",
         "personalization-value=" + to_base64(fit_initdata_digest(digest, 64))},
    };
    for (const Case& c : cases) {
        const std::string xml = render_domain_xml(parse_vm_spec(c.yaml, "s.yaml"));
        EXPECT_NE(xml.find("  <sysinfo type='fwcfg'>\n    <entry name='opt/org.ccvm/initdata' file='" +
                           initdata.string() + "'/>\n  </sysinfo>\n"),
                  std::string::npos)
            << xml;
        EXPECT_NE(xml.find(c.bound), std::string::npos) << xml;
        EXPECT_EQ(test::schema_errors(xml), "") << xml;
    }
    // No initdata: no fw_cfg entry.
    EXPECT_EQ(render_domain_xml(parse_vm_spec(snp_spec("", ""), "s.yaml")).find("sysinfo"), std::string::npos);
    // A broken initdata is the spec's error, naming where the spec names it.
    const auto bad = dir.write("bad.toml", "version = 1\n", 0644);
    try {
        render_domain_xml(parse_vm_spec(snp_spec("", "initdata: " + bad.string() + "\n"), "s.yaml"));
        ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), "s.yaml:7:1: initdata: " + bad.string() +
                                             ":1: value of 'version' must be a string (initdata values are strings)");
    }
}

TEST(KbsSpec, MeasureFillsPinnedRegistersAndReportsTheBinding) {
    test::TempDir dir;
    const auto initdata = dir.write("initdata.toml", kInitdata, 0644);
    const std::string base = "name: td\nmemory: 1G\nfirmware: " + tdvf() + "\ninitdata: " + initdata.string() +
                             "\nhost:\n  page-add-order: single-pass\ntee:\n  type: tdx\n";
    const json::Value plain = measure_spec(parse_vm_spec(base, "s.yaml"));
    ASSERT_TRUE(plain.at("registers").at("rtmr1").is_null());
    ASSERT_TRUE(plain.at("registers").at("mrtd").is_string());
    EXPECT_EQ(plain.at("init_data").as_string(), to_hex(sha384_bytes(kInitdata)));

    const std::string rtmr1(96, 'b');
    const json::Value pinned =
        measure_spec(parse_vm_spec(base + "  reference-values:\n    rtmr1: " + rtmr1 + "\n", "s.yaml"));
    EXPECT_EQ(pinned.at("registers").at("rtmr1").as_string(), rtmr1);
    EXPECT_EQ(pinned.at("not_computed").find("rtmr1"), nullptr);
    EXPECT_NE(pinned.at("not_computed").find("rtmr2"), nullptr);
    EXPECT_EQ(pinned.at("registers").at("mrtd"), plain.at("registers").at("mrtd"));

    // A pin that contradicts what ccvm computes is the spec's error.
    const std::string wrong(96, 'c');
    try {
        measure_spec(parse_vm_spec(base + "  reference-values:\n    mrtd: " + wrong + "\n", "s.yaml"));
        ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), "s.yaml:10:5: tee.reference-values.mrtd: pins " + wrong +
                                             " but the spec measures to " +
                                             plain.at("registers").at("mrtd").as_string());
    }
}

std::map<std::string, std::string> files_of(const TrusteeExport& e) {
    std::map<std::string, std::string> out;
    for (const TrusteeFile& f : e.files) out[f.name] = f.content;
    return out;
}

TEST(KbsSpec, ExportTrusteeSnp) {
    test::TempDir dir;
    const auto initdata = dir.write("initdata.toml", kInitdata, 0644);
    const VmSpec spec =
        parse_vm_spec(snp_spec("  policy: 0x1b0205\n", "initdata: " + initdata.string() +
                                                           "\nsecrets:\n  - resource: default/key/disk\n"
                                                           "    file: /keys/disk.key\n"),
                      "s.yaml");
    const std::string launch_digest = measure_spec(spec).at("registers").at("launch_digest").as_string();
    const auto files = files_of(export_trustee(spec, ""));
    ASSERT_EQ(files.size(), 5u);

    // RVPS message (rvps/src/lib.rs Message) with sample provenance in base64.
    const nlohmann::json message = nlohmann::json::parse(files.at("rvps-message.json"));
    EXPECT_EQ(message.size(), 3u);
    EXPECT_EQ(message.at("version"), "0.1.0");
    EXPECT_EQ(message.at("type"), "sample");
    const Bytes payload = from_base64(message.at("payload").get<std::string>());
    const nlohmann::json values = nlohmann::json::parse(as_chars(payload));
    EXPECT_EQ(values, nlohmann::json::parse(files.at("reference-values.json")));
    EXPECT_EQ(values.size(), 5u) << values.dump();
    EXPECT_EQ(values.at("snp_launch_measurement"), nlohmann::json::array({launch_digest}));
    // policy 0x1b0205: ABI 2.5, SMT (bit 16) and SINGLE_SOCKET (bit 20) set.
    EXPECT_EQ(values.at("snp_guest_abi_major"), 2);
    EXPECT_EQ(values.at("snp_guest_abi_minor"), 5);
    EXPECT_EQ(values.at("snp_smt_allowed"), true);
    EXPECT_EQ(values.at("snp_single_socket"), true);

    EXPECT_EQ(files.at("initdata.toml"), kInitdata);
    const std::string binding = to_hex(ByteSpan(sha384_bytes(kInitdata)).first(32));
    const std::string& policy = files.at("resource-policy.rego");
    EXPECT_NE(policy.find("package policy\n"), std::string::npos);
    EXPECT_NE(policy.find("\nvm_resources := {\"default/key/disk\"}\n"), std::string::npos) << policy;
    EXPECT_NE(policy.find("\nvm_init_data := \"" + binding + "\"\n"), std::string::npos) << policy;
    EXPECT_NE(policy.find("\tsubmod[\"ear.status\"] != \"affirming\"\n"), std::string::npos) << policy;
    EXPECT_NE(policy.find("\tconcat(\"/\", data[\"resource-path\"]) in vm_resources\n"), std::string::npos);

    const std::string& readme = files.at("README.md");
    const std::string kbs = "kbs-client --url \"$KBS\" config --admin-token-file \"$TOKEN\" ";
    EXPECT_NE(readme.find(kbs + "set-sample-reference-value snp_launch_measurement " + launch_digest + "\n"),
              std::string::npos)
        << readme;
    EXPECT_NE(readme.find(kbs + "set-sample-reference-value snp_guest_abi_major 2 --as-integer --as-single-value\n"),
              std::string::npos);
    EXPECT_NE(readme.find(kbs + "set-sample-reference-value snp_smt_allowed true --as-bool --as-single-value\n"),
              std::string::npos);
    EXPECT_NE(readme.find(kbs + "set-resource --path default/key/disk --resource-file /keys/disk.key\n"),
              std::string::npos);
    EXPECT_NE(readme.find(kbs + "set-resource-policy --policy-file resource-policy.rego\n"), std::string::npos);

    EXPECT_THROW(export_trustee(spec, "http://198.51.100.1:8080"), InputError);  // the spec has its initdata
}

TEST(KbsSpec, ExportTrusteeTdxNeedsTheRegistersThePolicyChecks) {
    const std::string base =
        "name: td\nmemory: 1G\nfirmware: " + tdvf() + "\nhost:\n  page-add-order: single-pass\ntee:\n  type: tdx\n";
    try {
        export_trustee(parse_vm_spec(base, "s.yaml"), "http://198.51.100.1:8080");
        ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("s.yaml: export trustee: rtmr1 (Trustee rtmr_1) cannot be computed for "
                                              "this spec (",
                                              0),
                  0u)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("; pin it with tee.reference-values.rtmr1"), std::string::npos);
    }
    const std::string r1(96, '1'), r2(96, '2');
    const VmSpec spec =
        parse_vm_spec(base + "  reference-values:\n    rtmr1: " + r1 + "\n    rtmr2: " + r2 + "\n", "s.yaml");
    EXPECT_EQ(error_of(base).find("accepted"), 0u);
    try {
        export_trustee(spec, "");
        ADD_FAILURE() << "accepted without initdata or --kbs-url";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "s.yaml: export trustee: the spec names no initdata; give --kbs-url TRUSTEE_URL (an initdata naming "
                  "it is written) or set initdata: FILE");
    }
    const auto files = files_of(export_trustee(spec, "https://kbs.example:8080"));
    const nlohmann::json values = nlohmann::json::parse(files.at("reference-values.json"));
    const json::Value measured = measure_spec(spec);
    EXPECT_EQ(values.at("mr_td"), nlohmann::json::array({measured.at("registers").at("mrtd").as_string()}));
    EXPECT_EQ(values.at("rtmr_1"), nlohmann::json::array({r1}));
    EXPECT_EQ(values.at("rtmr_2"), nlohmann::json::array({r2}));
    EXPECT_EQ(values.at("rtmr_3"), nlohmann::json::array({std::string(96, '0')}));
    EXPECT_FALSE(values.contains("rtmr_0"));  // not computed, and the default policy does not query it
    // The written initdata names the Trustee URL and the VM; the policy expects its digest.
    const std::string& toml = files.at("initdata.toml");
    EXPECT_EQ(toml, default_initdata("td", "https://kbs.example:8080"));
    EXPECT_NE(files.at("resource-policy.rego").find("vm_init_data := \"" + to_hex(sha384_bytes(toml)) + "\""),
              std::string::npos);
    EXPECT_NE(files.at("resource-policy.rego").find("vm_resources := {}"), std::string::npos);
    EXPECT_THROW(export_trustee(parse_vm_spec("name: s\nmemory: 1G\nfirmware: /f\ntee: sev\n", "s.yaml"), "http://k"),
                 InputError);
}

}  // namespace
}  // namespace ccvm::platform
