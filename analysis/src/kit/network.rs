//! What the network rules share: which ranges are "the whole internet", which ports a rule opens, and every
//! way Terraform writes a security group ingress rule, gathered into one shape.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::fix::{Edit, Fix};
use crate::terraform::check::{is_registry_module, Resource, TfContext};
use crate::terraform::view::{Config, Field};
use crate::text::TextRange;
use crate::value::Value;

/// `0.0.0.0/0` and `::/0`. A `/0` with host bits set (`1.0.0.0/0`) is not canonical and the provider rejects
/// it: it is not counted.
pub fn is_world_cidr(cidr: &str) -> bool {
    matches!(cidr.trim(), "0.0.0.0/0" | "::/0" | "::0/0" | "0::/0")
}

/// The IP protocol of a rule, normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    All,
    Tcp,
    Udp,
    Other,
}

impl Protocol {
    pub fn from_value(v: &Value) -> Option<Protocol> {
        let text = v.to_text()?.to_ascii_lowercase();
        Some(match text.as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            _ => Protocol::Other,
        })
    }
}

/// An ingress rule, wherever it was written.
#[derive(Clone, Debug)]
pub struct Ingress<'m> {
    /// The top-level block (security group, rule resource, or module call) that holds it.
    pub resource: Resource<'m>,
    /// The rule itself (an `ingress` block or object, or the rule resource's body).
    pub config: Config<'m>,
    pub protocol: Option<Protocol>,
    pub from_port: Option<f64>,
    pub to_port: Option<f64>,
    /// Each source range with the place to report it (the attribute that lists it).
    pub cidrs: Vec<(String, TextRange)>,
    /// The attribute holding the world ranges, for fixes (`None` for module inputs).
    pub cidr_field: Option<Field<'m>>,
}

impl Ingress<'_> {
    /// Whether the rule opens `port` (over TCP or all protocols).
    pub fn opens_tcp_port(&self, port: f64) -> bool {
        match self.protocol {
            Some(Protocol::All) => true,
            Some(Protocol::Tcp) => match (self.from_port, self.to_port) {
                (Some(from), Some(to)) => from <= port && port <= to,
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether the rule opens every port (all protocols, or TCP/UDP 0-65535).
    pub fn opens_all_ports(&self) -> bool {
        match self.protocol {
            Some(Protocol::All) => true,
            Some(Protocol::Tcp | Protocol::Udp) => {
                matches!((self.from_port, self.to_port), (Some(f), Some(t)) if f <= 0.0 && t >= 65535.0)
            }
            _ => false,
        }
    }

    /// The first world range and where it is written.
    pub fn world_source(&self) -> Option<(&str, TextRange)> {
        self.cidrs.iter().find(|(c, _)| is_world_cidr(c)).map(|(c, r)| (c.as_str(), *r))
    }
}

/// Named rules of `terraform-aws-modules/security-group/aws` (`ingress_rules = ["ssh-tcp"]`): protocol and
/// port range.
fn named_module_rule(name: &str) -> Option<(Protocol, f64, f64)> {
    let tcp = |p: f64| Some((Protocol::Tcp, p, p));
    match name {
        "all-all" => Some((Protocol::All, 0.0, 65535.0)),
        "all-tcp" => Some((Protocol::Tcp, 0.0, 65535.0)),
        "all-udp" => Some((Protocol::Udp, 0.0, 65535.0)),
        "ssh-tcp" => tcp(22.0),
        "rdp-tcp" => tcp(3389.0),
        "rdp-udp" => Some((Protocol::Udp, 3389.0, 3389.0)),
        "telnet-tcp" => tcp(23.0),
        "ftp-tcp" => tcp(21.0),
        "http-80-tcp" => tcp(80.0),
        "https-443-tcp" => tcp(443.0),
        "mysql-tcp" => tcp(3306.0),
        "mssql-tcp" => tcp(1433.0),
        "postgresql-tcp" => tcp(5432.0),
        "oracle-db-tcp" => tcp(1521.0),
        "redis-tcp" => tcp(6379.0),
        "memcached-tcp" => tcp(11211.0),
        "mongodb-27017-tcp" => tcp(27017.0),
        "elasticsearch-rest-tcp" => tcp(9200.0),
        "elasticsearch-java-tcp" => tcp(9300.0),
        "cassandra-clients-tcp" => tcp(9042.0),
        "kafka-broker-tcp" => tcp(9092.0),
        "winrm-http-tcp" => tcp(5985.0),
        "winrm-https-tcp" => tcp(5986.0),
        "ldap-tcp" => tcp(389.0),
        "smtp-tcp" => tcp(25.0),
        "dns-tcp" => tcp(53.0),
        _ => None,
    }
}

fn cidrs_of(ctx: &TfContext, field: Option<Field>) -> Vec<(String, TextRange)> {
    let Some(field) = field else { return Vec::new() };
    let value = ctx.value(field);
    let mut out = Vec::new();
    for v in value.one_or_many() {
        if let Some(s) = v.as_str() {
            // Module inputs write several ranges in one string: "10.0.0.0/8,0.0.0.0/0".
            out.extend(s.split(',').map(|c| (c.trim().to_string(), field.range)));
        }
    }
    out
}

fn from_config<'m>(
    ctx: &TfContext<'_, 'm>,
    resource: Resource<'m>,
    config: Config<'m>,
    cidr_attrs: &[&str],
) -> Ingress<'m> {
    let get = |name: &str| config.attr(name).map(|f| ctx.value(f));
    let protocol = get("protocol").or_else(|| get("ip_protocol")).and_then(|v| Protocol::from_value(&v));
    let mut cidrs = Vec::new();
    let mut cidr_field = None;
    for name in cidr_attrs {
        let field = config.attr(name);
        let found = cidrs_of(ctx, field);
        if cidr_field.is_none() && found.iter().any(|(c, _)| is_world_cidr(c)) {
            cidr_field = field;
        }
        cidrs.extend(found);
    }
    Ingress {
        resource,
        config,
        protocol,
        from_port: get("from_port").and_then(|v| v.as_f64()),
        to_port: get("to_port").and_then(|v| v.as_f64()),
        cidrs,
        cidr_field,
    }
}

/// Every ingress rule of the module: inline in `aws_security_group` and `aws_default_security_group`,
/// `aws_security_group_rule` of type ingress, `aws_vpc_security_group_ingress_rule`, and the inputs of the
/// `terraform-aws-modules/security-group/aws` module.
pub fn ingress_rules<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Ingress<'m>> {
    const BLOCK_CIDRS: &[&str] = &["cidr_blocks", "ipv6_cidr_blocks"];
    let mut out = Vec::new();
    for ty in ["aws_security_group", "aws_default_security_group"] {
        for res in ctx.resources(ty) {
            for rule in ctx.nested(res.config(), "ingress") {
                out.push(from_config(ctx, res, rule, BLOCK_CIDRS));
            }
        }
    }
    for res in ctx.resources("aws_security_group_rule") {
        if res.config().attr("type").is_some_and(|f| ctx.value(f).as_str() == Some("ingress")) {
            out.push(from_config(ctx, res, res.config(), BLOCK_CIDRS));
        }
    }
    for res in ctx.resources("aws_vpc_security_group_ingress_rule") {
        out.push(from_config(ctx, res, res.config(), &["cidr_ipv4", "cidr_ipv6"]));
    }
    for crate::terraform::check::Resource { file, block } in ctx.blocks("module") {
        if !is_registry_module(block, "security-group") {
            continue;
        }
        let res = Resource { file, block };
        let config = res.config();
        // Blocks written inside the module call (not valid for the module, but seen in the wild).
        for rule in config.block().into_iter().flat_map(|b| ctx.blocks_of(b, "ingress")) {
            out.push(from_config(ctx, res, Config::Block(rule), BLOCK_CIDRS));
        }
        // `ingress_rules` apply to `ingress_cidr_blocks` / `ingress_ipv6_cidr_blocks`.
        let mut shared = cidrs_of(ctx, config.attr("ingress_cidr_blocks"));
        shared.extend(cidrs_of(ctx, config.attr("ingress_ipv6_cidr_blocks")));
        if let Some(rules) = config.attr("ingress_rules") {
            for name in ctx.value(rules).one_or_many() {
                if let Some((protocol, from, to)) = name.as_str().and_then(named_module_rule) {
                    out.push(Ingress {
                        resource: res,
                        config,
                        protocol: Some(protocol),
                        from_port: Some(from),
                        to_port: Some(to),
                        cidrs: shared.iter().map(|(c, _)| (c.clone(), rules.range)).collect(),
                        cidr_field: None,
                    });
                }
            }
        }
        for list in ["ingress_with_cidr_blocks", "ingress_with_ipv6_cidr_blocks"] {
            for rule in ctx.nested(config, list) {
                let mut ingress = from_config(ctx, res, rule, &["cidr_blocks", "ipv6_cidr_blocks"]);
                if let Some((protocol, from, to)) =
                    rule.attr("rule").and_then(|f| ctx.value(f).as_str().and_then(named_module_rule))
                {
                    ingress.protocol = ingress.protocol.or(Some(protocol));
                    ingress.from_port = ingress.from_port.or(Some(from));
                    ingress.to_port = ingress.to_port.or(Some(to));
                }
                if ingress.cidrs.is_empty() {
                    // A rule without its own ranges uses the module's shared ones.
                    ingress.cidrs = shared.iter().map(|(c, _)| (c.clone(), rule.range())).collect();
                }
                out.push(ingress);
            }
        }
    }
    out
}

/// Replaces the world ranges of a rule with private ones (`10.0.0.0/8`, `fd00::/8`): a starting point the
/// user narrows further, so the fix is offered but not preferred.
pub fn narrow_world_fix(ctx: &TfContext, ingress: &Ingress) -> Option<Fix> {
    narrow_world_field_fix(ctx, ingress.resource, ingress.cidr_field?)
}

impl Ingress<'_> {
    /// Whether the rule opens `port` over TCP or UDP (or all protocols).
    pub fn opens_port(&self, port: f64) -> bool {
        match self.protocol {
            Some(Protocol::All) => true,
            Some(Protocol::Tcp | Protocol::Udp) => {
                matches!((self.from_port, self.to_port), (Some(f), Some(t)) if f <= port && port <= t)
            }
            _ => false,
        }
    }
}

/// Like [`narrow_world_fix`], for any attribute of `res` that lists world ranges (a NACL's `cidr_block`, a
/// module's `ingress_cidr_blocks`): replaces `0.0.0.0/0` and `::/0` with private ranges. Offered, not preferred.
pub fn narrow_world_field_fix(ctx: &TfContext, res: Resource, field: Field) -> Option<Fix> {
    let source = &ctx.file(res).source;
    let text = source.get(field.expr.range.start..field.expr.range.end)?;
    let mut edits = Vec::new();
    for (world, private) in [("\"0.0.0.0/0\"", "\"10.0.0.0/8\""), ("\"::/0\"", "\"fd00::/8\"")] {
        for (i, _) in text.match_indices(world) {
            let start = field.expr.range.start + i;
            edits.push(Edit { range: TextRange::new(start, start + world.len()), text: private.to_string() });
        }
    }
    (!edits.is_empty()).then(|| Fix::unsafe_("Allow only private ranges (review the range)", edits))
}

/// The strings a field lists (one string or a list of them; module inputs may join several with commas).
pub fn field_strings(ctx: &TfContext, field: Option<Field>) -> Vec<String> {
    cidrs_of(ctx, field).into_iter().map(|(c, _)| c).collect()
}

/// Every egress rule of the module, gathered as [`ingress_rules`] gathers ingress ones (the [`Ingress`] shape,
/// whose `cidrs` are then destinations): inline `egress` of `aws_security_group` and
/// `aws_default_security_group`, `aws_security_group_rule` of type egress, `aws_vpc_security_group_egress_rule`,
/// and the security-group module's `egress_rules` (with `egress_cidr_blocks` / `egress_ipv6_cidr_blocks`) and
/// `egress_with_cidr_blocks` / `egress_with_ipv6_cidr_blocks`.
pub fn egress_rules<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Ingress<'m>> {
    const BLOCK_CIDRS: &[&str] = &["cidr_blocks", "ipv6_cidr_blocks"];
    let mut out = Vec::new();
    for ty in ["aws_security_group", "aws_default_security_group"] {
        for res in ctx.resources(ty) {
            for rule in ctx.nested(res.config(), "egress") {
                out.push(from_config(ctx, res, rule, BLOCK_CIDRS));
            }
        }
    }
    for res in ctx.resources("aws_security_group_rule") {
        if res.config().attr("type").is_some_and(|f| ctx.value(f).as_str() == Some("egress")) {
            out.push(from_config(ctx, res, res.config(), BLOCK_CIDRS));
        }
    }
    for res in ctx.resources("aws_vpc_security_group_egress_rule") {
        out.push(from_config(ctx, res, res.config(), &["cidr_ipv4", "cidr_ipv6"]));
    }
    for crate::terraform::check::Resource { file, block } in ctx.blocks("module") {
        if !is_registry_module(block, "security-group") {
            continue;
        }
        let res = Resource { file, block };
        let config = res.config();
        let mut shared = cidrs_of(ctx, config.attr("egress_cidr_blocks"));
        shared.extend(cidrs_of(ctx, config.attr("egress_ipv6_cidr_blocks")));
        if let Some(rules) = config.attr("egress_rules") {
            for name in ctx.value(rules).one_or_many() {
                if let Some((protocol, from, to)) = name.as_str().and_then(named_module_rule) {
                    out.push(Ingress {
                        resource: res,
                        config,
                        protocol: Some(protocol),
                        from_port: Some(from),
                        to_port: Some(to),
                        cidrs: shared.iter().map(|(c, _)| (c.clone(), rules.range)).collect(),
                        cidr_field: None,
                    });
                }
            }
        }
        for list in ["egress_with_cidr_blocks", "egress_with_ipv6_cidr_blocks"] {
            for rule in ctx.nested(config, list) {
                let mut egress = from_config(ctx, res, rule, &["cidr_blocks", "ipv6_cidr_blocks"]);
                if let Some((protocol, from, to)) =
                    rule.attr("rule").and_then(|f| ctx.value(f).as_str().and_then(named_module_rule))
                {
                    egress.protocol = egress.protocol.or(Some(protocol));
                    egress.from_port = egress.from_port.or(Some(from));
                    egress.to_port = egress.to_port.or(Some(to));
                }
                if egress.cidrs.is_empty() {
                    egress.cidrs = shared.iter().map(|(c, _)| (c.clone(), rule.range())).collect();
                }
                out.push(egress);
            }
        }
    }
    out
}

/// The egress rules of the module with their destinations only (protocol and ports left unread, as `None`):
/// for rules about where traffic may go, whose runs then depend on nothing else.
pub fn egress_destinations<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Ingress<'m>> {
    const BLOCK_CIDRS: &[&str] = &["cidr_blocks", "ipv6_cidr_blocks"];
    let bare = |resource, config, cidr_attrs: &[&str]| {
        let mut cidrs = Vec::new();
        let mut cidr_field = None;
        for name in cidr_attrs {
            let field = Config::attr(&config, name);
            let found = cidrs_of(ctx, field);
            if cidr_field.is_none() && found.iter().any(|(c, _)| is_world_cidr(c)) {
                cidr_field = field;
            }
            cidrs.extend(found);
        }
        Ingress { resource, config, protocol: None, from_port: None, to_port: None, cidrs, cidr_field }
    };
    let mut out = Vec::new();
    for ty in ["aws_security_group", "aws_default_security_group"] {
        for res in ctx.resources(ty) {
            for rule in ctx.nested(res.config(), "egress") {
                out.push(bare(res, rule, BLOCK_CIDRS));
            }
        }
    }
    for res in ctx.resources("aws_security_group_rule") {
        if res.config().attr("type").is_some_and(|f| ctx.value(f).as_str() == Some("egress")) {
            out.push(bare(res, res.config(), BLOCK_CIDRS));
        }
    }
    for res in ctx.resources("aws_vpc_security_group_egress_rule") {
        out.push(bare(res, res.config(), &["cidr_ipv4", "cidr_ipv6"]));
    }
    for crate::terraform::check::Resource { file, block } in ctx.blocks("module") {
        if !is_registry_module(block, "security-group") {
            continue;
        }
        let res = Resource { file, block };
        let config = res.config();
        let mut shared = cidrs_of(ctx, config.attr("egress_cidr_blocks"));
        shared.extend(cidrs_of(ctx, config.attr("egress_ipv6_cidr_blocks")));
        if let Some(rules) = config.attr("egress_rules") {
            let named = ctx.value(rules).one_or_many().iter().any(|n| n.as_str().and_then(named_module_rule).is_some());
            if named {
                let cidrs = shared.iter().map(|(c, _)| (c.clone(), rules.range)).collect();
                out.push(Ingress {
                    resource: res,
                    config,
                    protocol: None,
                    from_port: None,
                    to_port: None,
                    cidrs,
                    cidr_field: None,
                });
            }
        }
        for list in ["egress_with_cidr_blocks", "egress_with_ipv6_cidr_blocks"] {
            for rule in ctx.nested(config, list) {
                let mut egress = bare(res, rule, BLOCK_CIDRS);
                if egress.cidrs.is_empty() {
                    egress.cidrs = shared.iter().map(|(c, _)| (c.clone(), rule.range())).collect();
                }
                out.push(egress);
            }
        }
    }
    out
}

impl Ingress<'_> {
    /// Whether the rule covers `port` over TCP or UDP (or all protocols), reading a TCP/UDP `0`-`0` range as
    /// every port, as the security-group module's examples (and KICS) write it.
    pub fn covers_port(&self, port: f64) -> bool {
        match (self.protocol, self.from_port, self.to_port) {
            (Some(Protocol::Tcp | Protocol::Udp), Some(f), Some(t)) if f == 0.0 && t == 0.0 => true,
            _ => self.opens_port(port),
        }
    }

    /// A TCP or UDP rule over several ports (`0`-`0`, read as every port by some, is left out).
    pub fn port_range(&self) -> Option<(f64, f64)> {
        match (self.protocol, self.from_port, self.to_port) {
            (Some(Protocol::Tcp | Protocol::Udp), Some(f), Some(t)) if f != t => Some((f, t)),
            _ => None,
        }
    }
}

impl CfnSgRule<'_> {
    /// Like [`Ingress::covers_port`].
    pub fn covers_port(&self, port: f64) -> bool {
        match (self.protocol, self.from_port, self.to_port) {
            (Some(Protocol::Tcp | Protocol::Udp), Some(f), Some(t)) if f == 0.0 && t == 0.0 => true,
            _ => self.opens_port(port),
        }
    }

    /// Like [`Ingress::port_range`].
    pub fn port_range(&self) -> Option<(f64, f64)> {
        match (self.protocol, self.from_port, self.to_port) {
            (Some(Protocol::Tcp | Protocol::Udp), Some(f), Some(t)) if f != t => Some((f, t)),
            _ => None,
        }
    }
}

/// An IPv4 CIDR as its network address and prefix length (`10.0.0.0/8`); `None` for IPv6 and malformed text.
pub fn ipv4_cidr(cidr: &str) -> Option<(std::net::Ipv4Addr, u8)> {
    let (addr, len) = cidr.trim().split_once('/')?;
    let len: u8 = len.parse().ok().filter(|l| *l <= 32)?;
    Some((addr.parse().ok()?, len))
}

/// Whether an IPv4 CIDR lies inside a private block (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16).
pub fn is_private_ipv4(addr: std::net::Ipv4Addr, len: u8) -> bool {
    let o = addr.octets();
    (o[0] == 10 && len >= 8)
        || (o[0] == 172 && (16..32).contains(&o[1]) && len >= 12)
        || (o[0] == 192 && o[1] == 168 && len >= 16)
}

// ---- CloudFormation

/// The whole internet as EC2 reads a CloudFormation range: any `/0`. EC2 masks the host bits of the ranges it
/// is given (`10.0.0.1/0` is stored as `0.0.0.0/0`), and CloudFormation does not validate them first.
pub fn cfn_is_world_cidr(cidr: &str) -> bool {
    match cidr.trim().rsplit_once('/') {
        Some((addr, "0")) => addr.parse::<std::net::IpAddr>().is_ok(),
        _ => false,
    }
}

/// A security group rule of a template: an item of `SecurityGroupIngress`/`SecurityGroupEgress` of an
/// `AWS::EC2::SecurityGroup`, or an `AWS::EC2::SecurityGroupIngress`/`AWS::EC2::SecurityGroupEgress` resource.
#[derive(Clone, Debug)]
pub struct CfnSgRule<'t> {
    /// The resource that holds it (the group, or the rule resource).
    pub resource: CfnResource<'t>,
    /// The rule's map (the list item, or the rule resource's `Properties`).
    pub node: &'t Node,
    pub protocol: Option<Protocol>,
    pub from_port: Option<f64>,
    pub to_port: Option<f64>,
    /// The `CidrIp`/`CidrIpv6` ranges: the value, its node, and the `Key: value` entry (where findings point).
    pub cidrs: Vec<(String, &'t Node, TextRange)>,
    /// `GroupId` of a rule resource (`!GetAtt Vpc.DefaultSecurityGroup` for the VPC's default group).
    pub group_id: Option<&'t Node>,
}

impl CfnSgRule<'_> {
    /// Whether the rule opens `port` over TCP or UDP (or all protocols).
    pub fn opens_port(&self, port: f64) -> bool {
        match self.protocol {
            Some(Protocol::All) => true,
            Some(Protocol::Tcp | Protocol::Udp) => {
                matches!((self.from_port, self.to_port), (Some(f), Some(t)) if f <= port && port <= t)
            }
            _ => false,
        }
    }

    /// Whether the rule opens `port` over TCP (or all protocols).
    pub fn opens_tcp_port(&self, port: f64) -> bool {
        self.protocol == Some(Protocol::All) || (self.protocol == Some(Protocol::Tcp) && self.opens_port(port))
    }

    /// Whether the rule opens every port (all protocols, or TCP/UDP 0-65535).
    pub fn opens_all_ports(&self) -> bool {
        match self.protocol {
            Some(Protocol::All) => true,
            Some(Protocol::Tcp | Protocol::Udp) => {
                matches!((self.from_port, self.to_port), (Some(f), Some(t)) if f <= 0.0 && t >= 65535.0)
            }
            _ => false,
        }
    }

    /// Public web traffic only: TCP 80 or TCP 443.
    pub fn web_only(&self) -> bool {
        self.protocol == Some(Protocol::Tcp)
            && matches!((self.from_port, self.to_port),
                (Some(f), Some(t)) if (f == 80.0 && t == 80.0) || (f == 443.0 && t == 443.0))
    }

    /// The first world range, its value node and where it is written.
    pub fn world(&self) -> Option<(&str, &Node, TextRange)> {
        self.cidrs.iter().find(|(c, _, _)| cfn_is_world_cidr(c)).map(|(c, n, r)| (c.as_str(), *n, *r))
    }
}

fn cfn_sg_rule<'t>(
    ctx: &CfnContext<'_, 't>,
    resource: CfnResource<'t>,
    node: &'t Node,
    group_id: Option<&'t Node>,
) -> CfnSgRule<'t> {
    let get = |key: &str| node.get(key).map(|n| ctx.eval(n));
    let mut cidrs = Vec::new();
    for key in ["CidrIp", "CidrIpv6"] {
        let (Some(entry), Some(value)) = (node.entry(key), get(key)) else { continue };
        if let Some(s) = value.as_str() {
            cidrs.push((s.to_string(), &entry.value, entry.range));
        }
    }
    CfnSgRule {
        resource,
        node,
        protocol: get("IpProtocol").and_then(|v| Protocol::from_value(&v)),
        from_port: get("FromPort").and_then(|v| v.as_f64()),
        to_port: get("ToPort").and_then(|v| v.as_f64()),
        cidrs,
        group_id,
    }
}

/// Every ingress (or, with `egress`, egress) rule of a template: inline in `AWS::EC2::SecurityGroup` and as
/// `AWS::EC2::SecurityGroupIngress` / `AWS::EC2::SecurityGroupEgress` resources. Items written as intrinsic
/// functions are left out.
pub fn cfn_sg_rules<'t>(ctx: &CfnContext<'_, 't>, egress: bool) -> Vec<CfnSgRule<'t>> {
    let (list, ty) = if egress {
        ("SecurityGroupEgress", "AWS::EC2::SecurityGroupEgress")
    } else {
        ("SecurityGroupIngress", "AWS::EC2::SecurityGroupIngress")
    };
    let mut out = Vec::new();
    for res in ctx.resources("AWS::EC2::SecurityGroup") {
        let Some((node, _)) = ctx.prop(res, list) else { continue };
        for item in node.items().iter().filter(|i| i.intrinsic().is_none() && !i.entries().is_empty()) {
            out.push(cfn_sg_rule(ctx, res, item, None));
        }
    }
    for res in ctx.resources(ty) {
        let Some(props) = res.properties else { continue };
        out.push(cfn_sg_rule(ctx, res, props, props.get("GroupId")));
    }
    out
}

/// Replaces a rule's world range with a private one (`10.0.0.0/8`, `fd00::/8`): a starting point the user
/// narrows further, so offered, not preferred. None when the range comes from a parameter or a function.
pub fn cfn_narrow_world_fix(ctx: &CfnContext, rule: &CfnSgRule) -> Option<Fix> {
    let (cidr, node, _) = rule.world()?;
    if node.intrinsic().is_some() {
        return None;
    }
    let private = if cidr.contains(':') { "fd00::/8" } else { "10.0.0.0/8" };
    let edit = crate::cloudformation::edit::replace_value(ctx.template, node, &serde_json::json!(private));
    Some(Fix::unsafe_("Allow only private ranges (review the range)", vec![edit]))
}

/// Whether a rule opens a port: TCP only (SSH), or any protocol that carries it (RDP over TCP and UDP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortProtocols {
    Tcp,
    Any,
}

/// Reports every Terraform ingress rule that opens `port` to the whole internet: the body of the rules about
/// one administrative port (`service` names it in the message).
pub fn report_world_port(ctx: &mut TfContext, service: &str, port: f64, protocols: PortProtocols) {
    for ingress in ingress_rules(ctx) {
        let opens = match protocols {
            PortProtocols::Tcp => ingress.opens_tcp_port(port),
            PortProtocols::Any => ingress.opens_port(port),
        };
        let Some((cidr, range)) = ingress.world_source().filter(|_| opens) else { continue };
        let message = format!("`{}` allows {service} (port {port}) from {cidr}", ingress.resource.address());
        let fix = narrow_world_fix(ctx, &ingress);
        ctx.report(ingress.resource, range, message).fixes.extend(fix);
    }
}

/// [`report_world_port`] for templates.
pub fn report_world_port_cfn(ctx: &mut CfnContext, service: &str, port: f64, protocols: PortProtocols) {
    for rule in cfn_sg_rules(ctx, false) {
        let opens = match protocols {
            PortProtocols::Tcp => rule.opens_tcp_port(port),
            PortProtocols::Any => rule.opens_port(port),
        };
        let Some((cidr, _, range)) = rule.world().filter(|_| opens) else { continue };
        let message = format!("`{}` allows {service} (port {port}) from {cidr}", rule.resource.logical_id);
        let fix = cfn_narrow_world_fix(ctx, &rule);
        ctx.report(rule.resource, range, message).fixes.extend(fix);
    }
}

/// The ports of `ports` a rule covers (TCP/UDP `0`-`0` read as every port), described for a message: "SSH (port
/// 22)" or "SSH (port 22) and 3 other sensitive port(s)".
fn covered_ports(covers: impl Fn(f64) -> bool, ports: &[(u16, &str)]) -> Option<String> {
    let open: Vec<&(u16, &str)> = ports.iter().filter(|(p, _)| covers(*p as f64)).collect();
    let (port, name) = open.first()?;
    Some(match open.len() {
        1 => format!("{name} (port {port})"),
        n => format!("{name} (port {port}) and {} other sensitive port(s)", n - 1),
    })
}

/// Reports every Terraform ingress rule that covers one of `ports` from a range `matches` accepts (at the
/// attribute listing it); `kind` names such ranges in the message ("a small address range").
pub fn report_ports_from_ranges(ctx: &mut TfContext, ports: &[(u16, &str)], matches: fn(&str) -> bool, kind: &str) {
    for ingress in ingress_rules(ctx) {
        let Some((cidr, range)) = ingress.cidrs.iter().find(|(c, _)| matches(c)).cloned() else { continue };
        let Some(what) = covered_ports(|p| ingress.covers_port(p), ports) else { continue };
        let message = format!("`{}` exposes {what} to {cidr}, {kind}", ingress.resource.address());
        ctx.report(ingress.resource, range, message);
    }
}

/// [`report_ports_from_ranges`] for templates.
pub fn report_ports_from_ranges_cfn(
    ctx: &mut CfnContext,
    ports: &[(u16, &str)],
    matches: fn(&str) -> bool,
    kind: &str,
) {
    for rule in cfn_sg_rules(ctx, false) {
        let Some((cidr, _, range)) = rule.cidrs.iter().find(|(c, _, _)| matches(c)).cloned() else { continue };
        let Some(what) = covered_ports(|p| rule.covers_port(p), ports) else { continue };
        let message = format!("`{}` exposes {what} to {cidr}, {kind}", rule.resource.logical_id);
        ctx.report(rule.resource, range, message);
    }
}
