#include "ccvm/libvirt/connection.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstdlib>
#include <mutex>
#include <thread>
#include <utility>

#include "ccvm/base/encoding.hpp"
#include "ccvm/libvirt/xml_document.hpp"

namespace ccvm::libvirt {
namespace {

struct SavedError {
    void operator()(virErrorPtr e) const noexcept { virFreeError(e); }
};

// Throws the calling thread's last libvirt error. `what` is built only after the error is saved,
// because any libvirt call (even virDomainGetName) resets it.
template <class What>
[[noreturn]] void throw_last_error(What&& what) {
    std::unique_ptr<virError, SavedError> e(virSaveLastError());
    std::string msg =
        std::string(what()) + ": " + (e != nullptr && e->message != nullptr ? e->message : "unknown libvirt error");
    int code = e != nullptr ? e->code : VIR_ERR_INTERNAL_ERROR;
    int domain = e != nullptr ? e->domain : VIR_FROM_NONE;
    virResetLastError();
    throw LibvirtError("libvirt: " + msg, code, domain);
}

[[noreturn]] void throw_last_error(const char* what) {
    throw_last_error([what] { return std::string(what); });
}

void ignore_error(void*, virErrorPtr) {}

// libvirt's event loop is process-wide: register it once, before the first connection, and run
// it on a thread for the life of the process (events and remote keepalive need it).
void ensure_event_loop() {
    static std::once_flag once;
    std::call_once(once, [] {
        virSetErrorFunc(nullptr, ignore_error);
        if (virEventRegisterDefaultImpl() < 0) throw_last_error("cannot register the event loop");
        std::thread([] {
            for (;;) virEventRunDefaultImpl();
        }).detach();
    });
}

struct ParamsGuard {
    virTypedParameterPtr params = nullptr;
    int count = 0;
    int max = 0;
    ~ParamsGuard() { virTypedParamsFree(params, count); }
};

struct CallbackBox {
    std::function<void(const DomainEvent&)> fn;
};

LifecycleEvent to_event(int e) {
    switch (e) {
        case VIR_DOMAIN_EVENT_DEFINED:
            return LifecycleEvent::defined;
        case VIR_DOMAIN_EVENT_UNDEFINED:
            return LifecycleEvent::undefined;
        case VIR_DOMAIN_EVENT_STARTED:
            return LifecycleEvent::started;
        case VIR_DOMAIN_EVENT_SUSPENDED:
            return LifecycleEvent::suspended;
        case VIR_DOMAIN_EVENT_RESUMED:
            return LifecycleEvent::resumed;
        case VIR_DOMAIN_EVENT_STOPPED:
            return LifecycleEvent::stopped;
        case VIR_DOMAIN_EVENT_SHUTDOWN:
            return LifecycleEvent::shutdown;
        case VIR_DOMAIN_EVENT_PMSUSPENDED:
            return LifecycleEvent::pmsuspended;
        default:
            return LifecycleEvent::crashed;
    }
}

int on_lifecycle(virConnectPtr, virDomainPtr dom, int event, int detail, void* opaque) {
    DomainEvent ev;
    const char* name = virDomainGetName(dom);
    ev.domain = name != nullptr ? name : "";
    char uuid[VIR_UUID_STRING_BUFLEN] = {};
    if (virDomainGetUUIDString(dom, uuid) == 0) ev.uuid = uuid;
    ev.event = to_event(event);
    ev.detail = detail;
    try {
        static_cast<CallbackBox*>(opaque)->fn(ev);
    } catch (...) {
        // An exception must not unwind through libvirt's C event loop.
    }
    return 0;
}

void free_box(void* opaque) { delete static_cast<CallbackBox*>(opaque); }

[[noreturn]] void bad_param(std::string_view source, const std::string& what) {
    throw LibvirtError("libvirt: " + std::string(source) + " " + what, VIR_ERR_INTERNAL_ERROR, VIR_FROM_NONE);
}

// One parameter of a typed-parameter set `source` ("node SEV info", "launch security info").
class ParamReader {
public:
    ParamReader(const TypedParams& params, std::string_view source) : params_(params), source_(source) {}

    const TypedValue* find(const char* key, bool required) const {
        const auto it = params_.find(key);
        if (it != params_.end()) return &it->second;
        if (required) bad_param(source_, std::string("has no '") + key + "'");
        return nullptr;
    }

    // libvirt.md §10: these parameters are uint; older drivers used int for some.
    std::optional<unsigned> uint(const char* key, bool required = true) const {
        const TypedValue* v = find(key, required);
        if (v == nullptr) return std::nullopt;
        if (const auto* u = std::get_if<unsigned>(v)) return *u;
        if (const auto* i = std::get_if<int>(v); i != nullptr && *i >= 0) return static_cast<unsigned>(*i);
        bad_param(source_, std::string("'") + key + "' is not an unsigned integer");
    }

    std::optional<std::string> string(const char* key, bool required = true) const {
        const TypedValue* v = find(key, required);
        if (v == nullptr) return std::nullopt;
        if (const auto* s = std::get_if<std::string>(v)) return *s;
        bad_param(source_, std::string("'") + key + "' is not a string");
    }

    Bytes base64(const char* key) const {
        const std::string text = *string(key);
        try {
            return from_base64(text, std::string(source_) + " '" + key + "'");
        } catch (const InputError& e) {
            throw LibvirtError("libvirt: " + std::string(e.what()), VIR_ERR_INTERNAL_ERROR, VIR_FROM_NONE);
        }
    }

private:
    const TypedParams& params_;
    std::string_view source_;
};

}  // namespace

std::string_view state_name(DomainState state) noexcept {
    switch (state) {
        case DomainState::no_state:
            return "no state";
        case DomainState::running:
            return "running";
        case DomainState::blocked:
            return "blocked";
        case DomainState::paused:
            return "paused";
        case DomainState::shutdown:
            return "shutting down";
        case DomainState::shutoff:
            return "shut off";
        case DomainState::crashed:
            return "crashed";
        case DomainState::pmsuspended:
            return "pmsuspended";
    }
    return "unknown";
}

std::string_view event_name(LifecycleEvent event) noexcept {
    switch (event) {
        case LifecycleEvent::defined:
            return "defined";
        case LifecycleEvent::undefined:
            return "undefined";
        case LifecycleEvent::started:
            return "started";
        case LifecycleEvent::suspended:
            return "suspended";
        case LifecycleEvent::resumed:
            return "resumed";
        case LifecycleEvent::stopped:
            return "stopped";
        case LifecycleEvent::shutdown:
            return "shutdown";
        case LifecycleEvent::pmsuspended:
            return "pmsuspended";
        case LifecycleEvent::crashed:
            return "crashed";
    }
    return "unknown";
}

TypedParams typed_params_to_map(const _virTypedParameter* params, int count) {
    TypedParams out;
    for (int i = 0; i < count; ++i) {
        const virTypedParameter& p = params[i];
        switch (p.type) {
            case VIR_TYPED_PARAM_INT:
                out[p.field] = p.value.i;
                break;
            case VIR_TYPED_PARAM_UINT:
                out[p.field] = p.value.ui;
                break;
            case VIR_TYPED_PARAM_LLONG:
                out[p.field] = p.value.l;
                break;
            case VIR_TYPED_PARAM_ULLONG:
                out[p.field] = p.value.ul;
                break;
            case VIR_TYPED_PARAM_DOUBLE:
                out[p.field] = p.value.d;
                break;
            case VIR_TYPED_PARAM_BOOLEAN:
                out[p.field] = p.value.b != 0;
                break;
            case VIR_TYPED_PARAM_STRING:
                out[p.field] = std::string(p.value.s != nullptr ? p.value.s : "");
                break;
            default:
                break;  // a type newer than this build: skip rather than guess its layout
        }
    }
    return out;
}

bool LibvirtError::unsupported() const noexcept {
    return code == VIR_ERR_NO_SUPPORT || code == VIR_ERR_OPERATION_UNSUPPORTED;
}

SevNodeInfo sev_node_info(const TypedParams& params) {
    const ParamReader p(params, "node SEV info");
    SevNodeInfo info;
    info.pdh = p.base64(VIR_NODE_SEV_PDH);
    info.cert_chain = p.base64(VIR_NODE_SEV_CERT_CHAIN);
    info.cbitpos = *p.uint(VIR_NODE_SEV_CBITPOS);
    info.reduced_phys_bits = *p.uint(VIR_NODE_SEV_REDUCED_PHYS_BITS);
    info.max_guests = p.uint(VIR_NODE_SEV_MAX_GUESTS, false);
    info.max_es_guests = p.uint(VIR_NODE_SEV_MAX_ES_GUESTS, false);
    info.cpu0_id = p.string(VIR_NODE_SEV_CPU0_ID, false);
    return info;
}

SevLaunchInfo sev_launch_info(const TypedParams& params) {
    const ParamReader p(params, "launch security info");
    SevLaunchInfo info;
    info.measurement = p.base64(VIR_DOMAIN_LAUNCH_SECURITY_SEV_MEASUREMENT);
    info.api_major = *p.uint(VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MAJOR);
    info.api_minor = *p.uint(VIR_DOMAIN_LAUNCH_SECURITY_SEV_API_MINOR);
    info.build_id = *p.uint(VIR_DOMAIN_LAUNCH_SECURITY_SEV_BUILD_ID);
    info.policy = *p.uint(VIR_DOMAIN_LAUNCH_SECURITY_SEV_POLICY);
    return info;
}

LaunchSecurityCalls LaunchSecurityCalls::libvirt() {
    return {virNodeGetSEVInfo, virDomainGetLaunchSecurityInfo, virDomainSetLaunchSecurityState};
}

void Domain::Free::operator()(_virDomain* d) const noexcept { virDomainFree(d); }
void LibvirtConnection::Close::operator()(_virConnect* c) const noexcept { virConnectClose(c); }

std::string Domain::name() const {
    const char* n = virDomainGetName(dom_.get());
    if (n == nullptr) throw_last_error("domain name");
    return n;
}

std::string Domain::uuid() const {
    char buf[VIR_UUID_STRING_BUFLEN] = {};
    if (virDomainGetUUIDString(dom_.get(), buf) < 0) throw_last_error("domain uuid");
    return buf;
}

DomainState Domain::state() const {
    int state = 0, reason = 0;
    if (virDomainGetState(dom_.get(), &state, &reason, 0) < 0) throw_last_error([&] { return "state of " + name(); });
    if (state < 0 || state > VIR_DOMAIN_PMSUSPENDED) return DomainState::no_state;
    return static_cast<DomainState>(state);
}

std::string Domain::xml() const {
    char* x = virDomainGetXMLDesc(dom_.get(), 0);
    if (x == nullptr) throw_last_error([&] { return "XML of " + name(); });
    std::string out(x);
    free(x);
    return out;
}

void Domain::start(bool paused) {
    if (virDomainCreateWithFlags(dom_.get(), paused ? VIR_DOMAIN_START_PAUSED : 0) < 0)
        throw_last_error([&] { return "start " + name(); });
}

void Domain::resume() {
    if (virDomainResume(dom_.get()) < 0) throw_last_error([&] { return "resume " + name(); });
}

void Domain::shutdown() {
    if (virDomainShutdown(dom_.get()) < 0) throw_last_error([&] { return "shutdown " + name(); });
}

void Domain::destroy() {
    if (virDomainDestroy(dom_.get()) < 0) throw_last_error([&] { return "destroy " + name(); });
}

void Domain::undefine() {
    if (virDomainUndefineFlags(dom_.get(), VIR_DOMAIN_UNDEFINE_NVRAM) == 0) return;
    // Drivers without NVRAM support (the test driver) reject the flag; plain undefine is the same there.
    const virError* e = virGetLastError();
    if (e == nullptr || e->code != VIR_ERR_INVALID_ARG) throw_last_error([&] { return "undefine " + name(); });
    virResetLastError();
    if (virDomainUndefine(dom_.get()) < 0) throw_last_error([&] { return "undefine " + name(); });
}

TypedParams Domain::launch_security_info() const {
    ParamsGuard p;
    if (calls_->domain_get_launch_security_info(dom_.get(), &p.params, &p.count, 0) < 0)
        throw_last_error([&] { return "launch security info of " + name(); });
    return typed_params_to_map(p.params, p.count);
}

void Domain::set_launch_security_state(std::string_view header_b64, std::string_view secret_b64,
                                       std::optional<std::uint64_t> gpa) {
    ParamsGuard p;
    std::string header(header_b64), secret(secret_b64);
    if (virTypedParamsAddString(&p.params, &p.count, &p.max, VIR_DOMAIN_LAUNCH_SECURITY_SEV_SECRET_HEADER,
                                header.c_str()) < 0 ||
        virTypedParamsAddString(&p.params, &p.count, &p.max, VIR_DOMAIN_LAUNCH_SECURITY_SEV_SECRET, secret.c_str()) < 0)
        throw_last_error("launch secret parameters");
    if (gpa && virTypedParamsAddULLong(&p.params, &p.count, &p.max, VIR_DOMAIN_LAUNCH_SECURITY_SEV_SECRET_SET_ADDRESS,
                                       *gpa) < 0)
        throw_last_error("launch secret parameters");
    if (calls_->domain_set_launch_security_state(dom_.get(), p.params, p.count, 0) < 0)
        throw_last_error([&] { return "set launch security state of " + name(); });
}

EventSubscription::EventSubscription(EventSubscription&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), id_(std::exchange(other.id_, -1)) {}

EventSubscription& EventSubscription::operator=(EventSubscription&& other) noexcept {
    if (this != &other) {
        EventSubscription old(std::move(*this));
        conn_ = std::exchange(other.conn_, nullptr);
        id_ = std::exchange(other.id_, -1);
    }
    return *this;
}

EventSubscription::~EventSubscription() {
    if (conn_ == nullptr) return;
    virConnectDomainEventDeregisterAny(conn_, id_);
    virConnectClose(conn_);
}

LibvirtConnection LibvirtConnection::open(const std::string& uri, LaunchSecurityCalls calls) {
    ensure_event_loop();
    virConnectPtr c = virConnectOpen(uri.c_str());
    if (c == nullptr) throw_last_error([&] { return "cannot connect to " + uri; });
    return LibvirtConnection(c, uri, std::move(calls));
}

SevNodeInfo LibvirtConnection::sev_info() {
    ParamsGuard p;
    if (calls_->node_get_sev_info(conn_.get(), &p.params, &p.count, 0) < 0) throw_last_error("node SEV info");
    return sev_node_info(typed_params_to_map(p.params, p.count));
}

HostCapabilities LibvirtConnection::probe_host() {
    HostCapabilities host;
    host.uri = uri_;
    unsigned long version = 0;
    if (virConnectGetLibVersion(conn_.get(), &version) < 0) throw_last_error("libvirt version");
    host.libvirt = Version::from_libvirt(version);
    const char* type = virConnectGetType(conn_.get());
    if (type == nullptr) throw_last_error("driver type");
    if (std::string_view(type) == "QEMU") {
        if (virConnectGetVersion(conn_.get(), &version) < 0) throw_last_error("QEMU version");
        host.qemu = Version::from_libvirt(version);
    }
    // The default emulator, architecture, machine and virt type: those ccvm's domain XML uses.
    std::unique_ptr<char, decltype(&std::free)> caps(
        virConnectGetDomainCapabilities(conn_.get(), nullptr, nullptr, nullptr, nullptr, 0), &std::free);
    if (caps == nullptr) {
        const virErrorPtr e = virGetLastError();
        if (e == nullptr || (e->code != VIR_ERR_NO_SUPPORT && e->code != VIR_ERR_OPERATION_UNSUPPORTED))
            throw_last_error("domain capabilities");
        virResetLastError();
        return host;  // the driver has no domain capabilities: no launch security either
    }
    try {
        host.launch_security = launch_security_types(caps.get());
    } catch (const InputError& e) {  // libvirt's own document: a host failure, not the caller's input
        throw LibvirtError("libvirt: " + std::string(e.what()), VIR_ERR_XML_ERROR, VIR_FROM_NONE);
    }
    return host;
}

Domain LibvirtConnection::define_domain(const std::string& xml) {
    std::string doc = xml;
    try {
        XmlDocument parsed = XmlDocument::parse(xml, "domain XML");
        const XmlNode root = parsed.root();
        if (std::optional<XmlNode> name = root.child("name"); name && !root.child("uuid")) {
            if (auto existing = lookup_domain(name->text())) {
                name->insert_after("uuid", existing->uuid());
                doc = parsed.serialize();
            }
        }
    } catch (const InputError&) {
        // Not well-formed: libvirt refuses it below, with its own message and error code.
    }
    virDomainPtr d = virDomainDefineXMLFlags(conn_.get(), doc.c_str(), 0);
    if (d == nullptr) throw_last_error("define domain");
    return Domain(d, calls_);
}

std::optional<Domain> LibvirtConnection::lookup_domain(const std::string& name) {
    virDomainPtr d = virDomainLookupByName(conn_.get(), name.c_str());
    if (d != nullptr) return Domain(d, calls_);
    const virError* e = virGetLastError();
    if (e != nullptr && e->code == VIR_ERR_NO_DOMAIN) {
        virResetLastError();
        return std::nullopt;
    }
    throw_last_error([&] { return "look up domain " + name; });
}

std::vector<Domain> LibvirtConnection::list_domains() {
    virDomainPtr* list = nullptr;
    int n = virConnectListAllDomains(conn_.get(), &list, 0);
    if (n < 0) throw_last_error("list domains");
    std::vector<Domain> out;
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out.push_back(Domain(list[i], calls_));
    free(list);
    return out;
}

EventSubscription LibvirtConnection::subscribe_lifecycle(std::function<void(const DomainEvent&)> callback) {
    auto box = std::make_unique<CallbackBox>(CallbackBox{std::move(callback)});
    int id = virConnectDomainEventRegisterAny(conn_.get(), nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), box.get(), free_box);
    if (id < 0) throw_last_error("subscribe to lifecycle events");
    static_cast<void>(box.release());  // owned by libvirt now, freed through free_box on deregistration
    if (virConnectRef(conn_.get()) < 0) throw_last_error("reference connection");
    return EventSubscription(conn_.get(), id);
}

std::optional<std::string> domain_xml_name(std::string_view xml) {
    const XmlDocument doc = XmlDocument::parse(xml, "domain XML");
    const std::optional<XmlNode> name = doc.root().child("name");
    if (!name) return std::nullopt;
    return name->text();
}

std::string domain_xml_with_uuid(std::string_view xml, std::string_view uuid) {
    XmlDocument doc = XmlDocument::parse(xml, "domain XML");
    std::optional<XmlNode> name = doc.root().child("name");
    if (!name) return std::string(xml);
    name->insert_after("uuid", uuid);
    return doc.serialize();
}

}  // namespace ccvm::libvirt
