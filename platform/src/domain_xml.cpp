// Assembles the libvirt domain from the spec's generic fields and the family's DomainParts.
#include "ccvm/platform/domain_xml.hpp"

#include "ccvm/platform/initdata.hpp"
#include "ccvm/platform/tee_family.hpp"
#include "ccvm/platform/xml_element.hpp"

namespace ccvm::platform {
namespace {

constexpr const char* kQemuNamespace = "http://libvirt.org/schemas/domain/qemu/1.0";

XmlElement os_element(const VmSpec& spec, const DomainParts& parts) {
    XmlElement os("os");
    os.add("type", "hvm").attr("arch", parts.arch).attr("machine", spec.machine.value_or(parts.machine));
    if (spec.firmware) {
        XmlElement& loader = os.add("loader", spec.firmware->string());
        loader.attr("readonly", "yes").attr("type", parts.loader_type);
        if (parts.loader_stateless) loader.attr("stateless", "yes");
    }
    if (spec.kernel) os.add("kernel", spec.kernel->string());
    if (spec.initrd) os.add("initrd", spec.initrd->string());
    if (spec.cmdline) os.add("cmdline", *spec.cmdline);
    if (parts.dtb) os.add("dtb", parts.dtb->string());
    return os;
}

XmlElement disk_element(const Disk& d, bool iommu) {
    XmlElement disk("disk");
    disk.attr("type", "file").attr("device", "disk");
    XmlElement& driver = disk.add("driver");
    driver.attr("name", "qemu").attr("type", d.format);
    if (iommu) driver.attr("iommu", "on");
    disk.add("source").attr("file", d.file.string());
    disk.add("target").attr("dev", d.target).attr("bus", "virtio");
    if (d.readonly) disk.add("readonly");
    return disk;
}

XmlElement interface_element(const NetworkInterface& nic, bool iommu) {
    XmlElement e("interface");
    e.attr("type", nic.type);
    if (nic.mac) e.add("mac").attr("address", *nic.mac);
    if (nic.type == "network") e.add("source").attr("network", nic.source);
    if (nic.type == "bridge") e.add("source").attr("bridge", nic.source);
    e.add("model").attr("type", nic.model);
    if (iommu && nic.model == "virtio") e.add("driver").attr("iommu", "on");
    return e;
}

}  // namespace

std::string render_domain_xml(const VmSpec& original) {
    // The initdata digest is the family's HOST_DATA / MRCONFIGID / personalization value.
    VmSpec spec = original;
    apply_initdata(spec);
    DomainParts parts;
    tee_family(spec.tee).shape_domain(spec, parts);

    XmlElement domain("domain");
    domain.attr("type", spec.domain_type);
    if (!parts.qemu_args.empty()) domain.attr("xmlns:qemu", kQemuNamespace);
    domain.add("name", spec.name);
    if (spec.uuid) domain.add("uuid", *spec.uuid);
    domain.add("memory", std::to_string(spec.memory_bytes / 1024)).attr("unit", "KiB");
    domain.add("vcpu", std::to_string(spec.vcpus)).attr("placement", "static");
    if (spec.initdata) {
        // Read-only to the guest, from the file as ccvmd keeps it (libvirt formatdomain "SMBIOS
        // System Information", type fwcfg).
        XmlElement& sysinfo = domain.add("sysinfo");
        sysinfo.attr("type", "fwcfg");
        sysinfo.add("entry").attr("name", std::string(kInitdataFwCfgName)).attr("file", spec.initdata->string());
    }
    if (parts.private_memory) {
        XmlElement& mb = domain.add("memoryBacking");
        mb.add("source").attr("type", "anonymous");
        mb.add("access").attr("mode", "private");
    }
    domain.add(os_element(spec, parts));
    XmlElement& features = domain.add("features");
    for (const XmlElement& f : parts.features) features.add(f);
    if (spec.cpu_model) {
        XmlElement& cpu = domain.add("cpu");
        cpu.attr("mode", "custom").attr("match", "exact").attr("check", "none");
        cpu.add("model", *spec.cpu_model).attr("fallback", "forbid");
    } else if (spec.domain_type == "kvm") {
        domain.add("cpu").attr("mode", "host-passthrough");
    }
    XmlElement& clock = domain.add("clock");
    clock.attr("offset", "utc");
    for (const XmlElement& t : parts.timers) clock.add(t);
    domain.add("on_poweroff", "destroy");
    domain.add("on_reboot", parts.on_reboot);
    domain.add("on_crash", "destroy");
    if (parts.disable_suspend) {
        XmlElement& pm = domain.add("pm");
        pm.add("suspend-to-mem").attr("enabled", "no");
        pm.add("suspend-to-disk").attr("enabled", "no");
    }

    XmlElement& devices = domain.add("devices");
    if (spec.emulator) devices.add("emulator", spec.emulator->string());
    for (const Disk& d : spec.disks) devices.add(disk_element(d, parts.iommu_platform));
    for (const NetworkInterface& nic : spec.network) devices.add(interface_element(nic, parts.iommu_platform));
    if (spec.serial_log) {
        devices.add("serial").attr("type", "file").add("source").attr("path", spec.serial_log->string());
    } else {
        devices.add("serial").attr("type", "pty");
        devices.add("console").attr("type", "pty");
    }
    // Ballooning would hand encrypted pages back to the host.
    devices.add("memballoon").attr("model", "none");

    if (parts.launch_security) domain.add(*parts.launch_security);
    if (!parts.qemu_args.empty()) {
        XmlElement& cmd = domain.add("qemu:commandline");
        for (const std::string& arg : parts.qemu_args) cmd.add("qemu:arg").attr("value", arg);
    }
    return domain.serialize();
}

}  // namespace ccvm::platform
