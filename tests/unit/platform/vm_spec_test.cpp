// ccvm-spec(5) parser: typed fields, defaults, and errors with file:line:col.
#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "platform_test_util.hpp"

namespace ccvm::platform {
namespace {

std::string error_of(const std::string& yaml) {
    try {
        parse_vm_spec(yaml, "t.yaml");
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(VmSpec, ParsesSnpSpecWithEveryOption) {
    VmSpec s = parse_vm_spec(R"(name: web-1
uuid: 8F5E3C2A-0D4B-4E8F-9A1C-2B3D4E5F6A7B
tee:
  type: sev-snp
  policy: 0x70000
  guest-features: 0x21
  kernel-hashes: yes
  author-key: false
  vcek: false
  host-data: 0x0102030405060708091011121314151617181920212223242526272829303132
  guest-visible-workarounds: AAAAAAAAAAAAAAAAAAAAAA==
vcpus: 8
memory: 4096M
cpu-model: EPYC-Milan
firmware: /fw/OVMF.amdsev.fd
kernel: /k/vmlinuz
initrd: /k/initrd
cmdline: console=ttyS0 quiet
disks:
  - file: /img/root.qcow2
    format: qcow2
  - file: /img/data.raw
    readonly: true
network:
  - type: bridge
    source: br0
    mac: 52:54:00:aa:bb:cc
secrets:
  - resource: default/disk/key
    file: /secrets/disk.key
host:
  vmsa-profile: modern
  vmm-type: QEMU
  cbitpos: 51
  reduced-phys-bits: 1
libvirt:
  uri: qemu+ssh://host1/system
)",
                             "web-1.yaml");
    EXPECT_EQ(s.name, "web-1");
    EXPECT_EQ(s.uuid, "8f5e3c2a-0d4b-4e8f-9a1c-2b3d4e5f6a7b");
    EXPECT_EQ(s.tee, TeeKind::sev_snp);
    const SnpOptions* o = s.options<SnpOptions>();
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->policy, 0x70000u);
    EXPECT_EQ(o->guest_features, 0x21u);
    EXPECT_TRUE(o->kernel_hashes);
    EXPECT_FALSE(o->vcek);
    // 32 bytes 01 02 ... given as hex, kept as base64 for libvirt.
    EXPECT_EQ(o->host_data, "AQIDBAUGBwgJEBESExQVFhcYGSAhIiMkJSYnKCkwMTI=");
    EXPECT_EQ(s.vcpus, 8u);
    EXPECT_EQ(s.memory_bytes, 4096ull << 20);
    EXPECT_EQ(s.disks.size(), 2u);
    EXPECT_EQ(s.disks[0].target, "vda");
    EXPECT_EQ(s.disks[1].target, "vdb");
    EXPECT_EQ(s.disks[1].format, "raw");
    EXPECT_TRUE(s.disks[1].readonly);
    EXPECT_EQ(s.network[0].source, "br0");
    EXPECT_TRUE(s.secrets.empty());  // SNP guests take secrets at run time, by KBS resource path
    ASSERT_EQ(s.runtime_secrets.size(), 1u);
    EXPECT_EQ(s.runtime_secrets[0].resource, "default/disk/key");
    EXPECT_EQ(s.runtime_secrets[0].file, "/secrets/disk.key");
    EXPECT_EQ(s.libvirt_uri, "qemu+ssh://host1/system");  // remote URIs pass through untouched
    EXPECT_EQ(s.host.vmsa_profile, "modern");
    EXPECT_EQ(s.where("tee.kernel-hashes"), "web-1.yaml:7:3");
    EXPECT_EQ(s.where("memory"), "web-1.yaml:13:1");
}

TEST(VmSpec, DefaultsPerFamily) {
    const char* base = "name: a\nmemory: 1G\nfirmware: /fw.fd\n";
    auto sev = parse_vm_spec(std::string(base) + "tee: sev\n", "t");
    EXPECT_EQ(sev.options<SevOptions>()->policy, 0x1u);
    EXPECT_EQ(sev.libvirt_uri, "qemu:///system");
    EXPECT_EQ(sev.host.cbitpos, 51u);
    auto es = parse_vm_spec(std::string(base) + "tee: sev-es\n", "t");
    EXPECT_EQ(es.options<SevOptions>()->policy, 0x5u);
    auto csv3 = parse_vm_spec(std::string(base) + "tee: csv3\n", "t");
    EXPECT_EQ(csv3.options<SevOptions>()->policy, 0x45u);  // csv.md §2: NODBG | ES | CSV3
    auto snp = parse_vm_spec(std::string(base) + "tee: sev-snp\n", "t");
    EXPECT_EQ(snp.options<SnpOptions>()->policy, 0x30000u);
    EXPECT_EQ(snp.options<SnpOptions>()->guest_features, 0x1u);
    auto tdx = parse_vm_spec(std::string(base) + "tee: tdx\n", "t");
    EXPECT_EQ(tdx.options<TdxOptions>()->attributes, 0x10000000u);
    auto cca = parse_vm_spec("name: r\nmemory: 1G\nkernel: /Image\ntee: cca\n", "t");
    EXPECT_EQ(cca.options<CcaOptions>()->hash_algo, CcaHashAlgo::sha512);
}

TEST(VmSpec, UnknownKeysNamePosition) {
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\nmemroy: 2G\n"),
              "t.yaml:4:1: memroy: unknown key (known: name, uuid, tee, vcpus, memory, cpu-model, machine, firmware, "
              "kernel, initrd, cmdline, disks, network, secrets, initdata, serial-log, host, libvirt)");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\nhost:\n  qemu-versoin: '7.2'\n").substr(0, 42),
              "t.yaml:5:3: host.qemu-versoin: unknown key");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: sev\n  mrowner: AAAA\n"),
              "t.yaml:6:3: tee.mrowner: not an option of tee type sev");
    EXPECT_EQ(error_of("name: a\nname: b\nmemory: 1G\nkernel: /k\n"), "t.yaml:2:1: name: duplicate key");
}

TEST(VmSpec, WrongTypesNamePosition) {
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\nvcpus: four\n"),
              "t.yaml:4:8: vcpus: expected an integer (decimal or 0x hex), got 'four'");
    EXPECT_EQ(error_of("name: a\nmemory: lots\nkernel: /k\n"),
              "t.yaml:2:9: memory: expected a size such as 2G or 512M (suffix K, M, G or T), got 'lots'");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: vmlinuz\n"),
              "t.yaml:3:9: kernel: expected an absolute path, got 'vmlinuz'");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\ndisks:\n  file: /x\n"),
              "t.yaml:5:3: disks: expected a list, got a mapping");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: sev-snp\n  kernel-hashes: maybe\n"),
              "t.yaml:6:18: tee.kernel-hashes: expected true or false, got 'maybe'");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: tdx\n  mrowner: 0011\n"),
              "t.yaml:6:12: tee.mrowner: expected 48 bytes (96 hex digits or base64), got 3 bytes");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: tdx\n  mrowner: '#'\n"),
              "t.yaml:6:12: tee.mrowner: expected 48 bytes as hex or base64, got '#'");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\ntee: sgx\n"),
              "t.yaml:4:6: tee: unknown TEE 'sgx' (known: none, sev, sev-es, sev-snp, tdx, csv, csv2, csv3, cca)");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\nvcpus: 0x1ff\nvcpus2: 1\n").substr(0, 20),
              "t.yaml:5:1: vcpus2: ");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\nvcpus: 513\n"),
              "t.yaml:4:8: vcpus: value 513 is larger than 512");
}

TEST(VmSpec, ImpossibleCombinations) {
    // SEV-ES without OVMF.
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\ntee: sev-es\n"),
              "t.yaml:4:6: firmware: sev-es guests boot through OVMF/TDVF: set firmware");
    // Policy bits that contradict the family (sev.md §8, csv.md §2).
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: sev\n  policy: 0x5\n"),
              "t.yaml:6:11: tee.policy: policy 0x5 sets the ES bit (0x4): use tee type sev-es");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: csv3\n  policy: 0x5\n"),
              "t.yaml:6:11: tee.policy: csv3 needs the CSV3 policy bit (0x40) set, got 0x5");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: sev-snp\n  policy: 0x10000\n"),
              "t.yaml:6:11: tee.policy: SNP policy bit 17 is reserved and must be 1 (default 0x30000), got 0x10000");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: csv2\n  user-id: 7\n"),
              "t.yaml:6:12: tee.user-id: needs the ASID_REUSE policy bit (0x80), policy is 0x5");
    // Kernel hashes without a kernel; initrd without a kernel.
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee:\n  type: sev\n  kernel-hashes: true\n"),
              "t.yaml:5:3: tee.kernel-hashes: measures the kernel, initrd and cmdline: set kernel");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ninitrd: /i\n"),
              "t.yaml:4:9: initrd: needs a kernel (direct kernel boot)");
    // A confidential guest cannot run under TCG.
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee: sev\nlibvirt:\n  domain-type: qemu\n"),
              "t.yaml:6:3: libvirt.domain-type: sev guests need hardware virtualization (kvm), not TCG");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nfirmware: /f\ntee: tdx\nmachine: pc\n"),
              "t.yaml:5:10: machine: machine pc cannot run tdx guests");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\nsecrets:\n  - guid: 736869e5-84f0-4973-92ec-06879ce3da0b\n    "
                       "file: /s\n"),
              "t.yaml:5:3: secrets: secrets are released to confidential guests only; tee is none");
    EXPECT_EQ(error_of("name: a\nmemory: 1000K\nkernel: /k\n"),
              "t.yaml:2:9: memory: expected a whole number of MiB, at least 16M, got 1000K");
}

TEST(VmSpec, SecretsAreReferencesNeverValues) {
    EXPECT_EQ(
        error_of(
            "name: a\nmemory: 1G\nfirmware: /f\ntee: sev\nsecrets:\n  - guid: 736869e5-84f0-4973-92ec-06879ce3da0b\n"
            "    value: hunter2\n"),
        "t.yaml:7:5: secrets[0].value: unknown key (known: guid, resource, file)");
    EXPECT_EQ(
        error_of("name: a\nmemory: 1G\nfirmware: /f\ntee: sev\nsecrets:\n  - guid: not-a-guid\n    file: /s\n"),
        "t.yaml:6:11: secrets[0].guid: expected a GUID like 736869e5-84f0-4973-92ec-06879ce3da0b, got 'not-a-guid'");
}

TEST(VmSpec, SyntaxErrorsNamePosition) {
    std::string e = error_of("name: a\nmemory: [1G\n");
    EXPECT_TRUE(e.starts_with("t.yaml:3:1: ")) << e;
    EXPECT_EQ(error_of("- a\n- b\n"), "t.yaml:1:1: spec: expected a mapping, got a list");
    EXPECT_EQ(error_of(""), "t.yaml: spec: expected a mapping, got nothing");
    EXPECT_EQ(error_of("name: a\nmemory: 1G\nkernel: /k\n---\nname: b\n"),
              "t.yaml: expected one YAML document, found more ('---')");
    // yaml-cpp 0.7's LoadAll() never returns on a stray comma (jbeder/yaml-cpp#1040).
    EXPECT_EQ(error_of(","), "t.yaml:1:1: spec: expected a mapping, got nothing");
    EXPECT_EQ(error_of("name: a\n,\n"), "t.yaml:2:1: end of map not found");
}

TEST(VmSpec, TeeNamesRoundTrip) {
    for (auto k : {TeeKind::none, TeeKind::sev, TeeKind::sev_es, TeeKind::sev_snp, TeeKind::tdx, TeeKind::cca,
                   TeeKind::csv, TeeKind::csv2, TeeKind::csv3})
        EXPECT_EQ(tee_from_name(tee_name(k)), k);
    EXPECT_EQ(tee_from_name("SEV"), std::nullopt);
}

TEST(VmSpec, EveryExampleParses) {
    auto examples = test::example_specs();
    EXPECT_GE(examples.size(), 9u);
    for (const auto& f : examples) {
        VmSpec s = load_vm_spec(f);
        EXPECT_EQ(tee_name(s.tee), f.stem().string()) << f;  // one example per family, named after it
    }
}

TEST(VmSpecInputs, KernelHashesNeedTheFirmwareTable) {
    // Debian's generic OVMF has the hash-table entry with base 0 (sev.md §12): the Debian 12 copy of the
    // vector set.
    const std::string ovmf = (test::inputs_dir() / "firmware" / "debian12" / "OVMF_CODE_4M.fd").string();
    test::TempDir dir;
    auto kernel = dir.write("vmlinuz", "kernel");
    std::string yaml = "name: a\nmemory: 1G\nfirmware: " + ovmf + "\nkernel: " + kernel.string() +
                       "\ntee:\n  type: sev\n  kernel-hashes: true\n";
    VmSpec s = parse_vm_spec(yaml, "t.yaml");
    try {
        check_spec_inputs(s);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), std::string("t.yaml:7:3: tee.kernel-hashes: firmware ") + ovmf +
                                             " has no kernel-hashes table (hash-table base 0); measured direct boot "
                                             "needs an AmdSev OVMF build");
    }
    auto snp = parse_vm_spec(std::string("name: a\nmemory: 1G\nfirmware: ") + ovmf + "\nkernel: " + kernel.string() +
                                 "\ntee:\n  type: sev-snp\n  kernel-hashes: true\n",
                             "s.yaml");
    EXPECT_THROW(check_spec_inputs(snp), InputError);
}

TEST(VmSpecInputs, MissingFilesAndOpenSecrets) {
    test::TempDir dir;
    auto kernel = dir.write("vmlinuz", "kernel");
    auto open_secret = dir.write("secret", "x", 0644);
    std::string yaml =
        "name: a\nmemory: 1G\nfirmware: " +
        (test::inputs_dir() / "firmware" / "debian12" / "OVMF_CODE_4M.fd").string() + "\nkernel: " + kernel.string() +
        "\ntee: sev\nsecrets:\n  - guid: 736869e5-84f0-4973-92ec-06879ce3da0b\n    file: " + open_secret.string() +
        "\n";
    try {
        check_spec_inputs(parse_vm_spec(yaml, "t.yaml"));
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "t.yaml:8:5: secrets[0].file: secret file '" + open_secret.string() +
                      "' is readable by group or others (mode 0644); restrict it with: chmod 600 '" +
                      open_secret.string() + "'");
    }
    ::chmod(open_secret.c_str(), 0600);
    EXPECT_NO_THROW(check_spec_inputs(parse_vm_spec(yaml, "t.yaml")));
    std::string missing = "name: a\nmemory: 1G\nkernel: " + (dir.path() / "nope").string() + "\n";
    EXPECT_THROW(check_spec_inputs(parse_vm_spec(missing, "t.yaml")), InputError);
}

}  // namespace
}  // namespace ccvm::platform
