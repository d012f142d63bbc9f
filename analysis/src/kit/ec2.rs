//! What the EC2/VPC rules share: the account's EBS encryption default, whole-line deletions, network ACL
//! entries however they are written, and registry module versions.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::fix::{line_end, line_start, Edit, Fix};
use crate::kit::network::{field_strings, is_world_cidr, CfnSgRule, Protocol};
use crate::terraform::check::{is_registry_module, Resource, TfContext};
use crate::terraform::model::Block;
use crate::terraform::view::{Config, Field};
use crate::text::TextRange;

/// Whether the configuration turns EBS encryption by default on (`aws_ebs_encryption_by_default` with
/// `enabled` absent or `true`): AWS then encrypts every new volume and snapshot copy of the region.
pub fn ebs_encrypted_by_default(ctx: &TfContext) -> bool {
    ctx.all_resources("aws_ebs_encryption_by_default").any(|r| match ctx.attr(r.block, "enabled") {
        None => true,
        Some((_, v)) => v.as_bool() == Some(true),
    })
}

/// An edit deleting `range` with its whole lines when nothing else shares them.
pub fn delete_lines(source: &str, range: TextRange) -> Edit {
    let start = line_start(source, range.start);
    let end = line_end(source, range.end);
    let alone = source[start..range.start].trim().is_empty() && source[range.end..end].trim().is_empty();
    if alone {
        Edit { range: TextRange::new(start, end), text: String::new() }
    } else {
        Edit { range, text: String::new() }
    }
}

/// The major version a module call pins (`version = "~> 3.0"` is 3), if written.
pub fn module_major_version(block: &Block) -> Option<u32> {
    let text = block.attr("version")?.expr.as_literal_str()?;
    let digits: String = text.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// An inbound `allow` entry of a network ACL, wherever it was written.
pub struct NaclEntry<'m> {
    /// The top-level block that holds it (the ACL, the rule resource, or the VPC module call).
    pub resource: Resource<'m>,
    pub protocol: Option<Protocol>,
    pub from_port: Option<f64>,
    pub to_port: Option<f64>,
    /// The source range attribute when it is the whole internet.
    pub world: Option<(String, Field<'m>)>,
    /// What lower-numbered denies of the same ACL refuse from the whole internet before this entry is read.
    pub denied_first: Vec<AclTerms>,
}

impl NaclEntry<'_> {
    /// Whether the entry lets TCP `port` in from the world: it covers the port and no earlier deny refuses it.
    pub fn admits_tcp(&self, port: f64) -> bool {
        self.tcp_covers(port) && !self.denied_first.iter().any(|d| d.refuses_tcp(port))
    }

    /// Whether the entry lets every protocol and port in and no earlier deny refuses any of it.
    pub fn admits_all_traffic(&self) -> bool {
        self.all_traffic() && self.denied_first.is_empty()
    }

    /// Whether a TCP entry's range covers `port`. `0`-`0` is read as every port, as the VPC module's examples
    /// (and KICS) write it: AWS itself reads it as port 0, so such an entry is at best ambiguous.
    pub fn tcp_covers(&self, port: f64) -> bool {
        self.protocol == Some(Protocol::Tcp)
            && match (self.from_port, self.to_port) {
                (Some(f), Some(t)) if f == 0.0 && t == 0.0 => true,
                (Some(f), Some(t)) => f <= port && port <= t,
                _ => false,
            }
    }

    /// Whether the entry lets every protocol and port in (`-1`/`all`, or TCP/UDP `0`-`65535`).
    pub fn all_traffic(&self) -> bool {
        match self.protocol {
            Some(Protocol::All) => true,
            Some(Protocol::Tcp | Protocol::Udp) => {
                matches!((self.from_port, self.to_port), (Some(f), Some(t)) if f <= 0.0 && t >= 65535.0)
            }
            _ => false,
        }
    }
}

/// An inbound `allow` entry from its configuration, with what earlier denies refuse.
fn entry<'m>(ctx: &TfContext<'_, 'm>, rule: &NaclRule<'m>, denied_first: Vec<AclTerms>) -> NaclEntry<'m> {
    let config = rule.config;
    let world = ["cidr_block", "ipv6_cidr_block"].iter().find_map(|name| {
        let field = config.attr(name)?;
        field_strings(ctx, Some(field)).into_iter().find(|c| is_world_cidr(c)).map(|c| (c, field))
    });
    NaclEntry {
        resource: rule.resource,
        protocol: rule.protocol,
        from_port: rule.from_port,
        to_port: rule.to_port,
        world,
        denied_first,
    }
}

/// Every inbound `allow` entry: `ingress` of `aws_network_acl` and `aws_default_network_acl` (blocks or
/// list), `aws_network_acl_rule` with `egress` absent or false, and the VPC module's inbound rule inputs, each
/// with the lower-numbered world denies of its ACL (AWS reads entries in rule-number order, the first match
/// wins). Entries whose action is not known are left out.
pub fn nacl_inbound_allows<'m>(ctx: &TfContext<'_, 'm>) -> Vec<NaclEntry<'m>> {
    let rules = nacl_entries(ctx);
    let terms: Vec<AclTerms> = rules.iter().map(NaclRule::terms).collect();
    rules
        .iter()
        .zip(&terms)
        .filter(|(_, t)| t.egress == Some(false) && t.allow == Some(true))
        .map(|(rule, t)| entry(ctx, rule, t.denied_first(&terms)))
        .collect()
}

/// What a network ACL entry says, as both formats read it: what rule-number order compares.
#[derive(Clone, Debug, PartialEq)]
pub struct AclTerms {
    pub acl: Option<String>,
    pub egress: Option<bool>,
    pub allow: Option<bool>,
    pub protocol: Option<Protocol>,
    pub from_port: Option<f64>,
    pub to_port: Option<f64>,
    pub rule_number: Option<f64>,
    /// Whether its range is the whole internet.
    pub world: bool,
}

impl AclTerms {
    /// Whether a deny refuses TCP `port` from the whole internet (`0`-`0` read as every port, as for allows).
    pub fn refuses_tcp(&self, port: f64) -> bool {
        match self.protocol {
            Some(Protocol::All) => true,
            Some(Protocol::Tcp) => match (self.from_port, self.to_port) {
                (Some(f), Some(t)) if f == 0.0 && t == 0.0 => true,
                (Some(f), Some(t)) => f <= port && port <= t,
                _ => false,
            },
            _ => false,
        }
    }

    /// The world denies of the same ACL and direction numbered below this entry: known ACL, direction and
    /// numbers only (an unknown one may come anywhere).
    pub fn denied_first(&self, all: &[AclTerms]) -> Vec<AclTerms> {
        let (Some(acl), Some(number)) = (&self.acl, self.rule_number) else { return Vec::new() };
        all.iter()
            .filter(|d| {
                d.allow == Some(false)
                    && d.world
                    && d.egress == self.egress
                    && d.acl.as_ref() == Some(acl)
                    && d.rule_number.is_some_and(|n| n < number)
            })
            .cloned()
            .collect()
    }
}

/// Whether a template's security group rule belongs to a VPC's default security group: a rule resource whose
/// `GroupId` is `!GetAtt Vpc.DefaultSecurityGroup` or whose `GroupName` is `default` (the default VPC's
/// group), or a group declared with the name `default` (which EC2 reserves: the template tries to manage the
/// default group).
pub fn cfn_in_default_group(ctx: &CfnContext, rule: &CfnSgRule) -> bool {
    let named_default = |node: Option<&Node>| node.is_some_and(|n| ctx.eval(n).as_str() == Some("default"));
    let props = rule.resource.properties;
    let group_name = props.and_then(|p| p.get("GroupName"));
    if rule.resource.ty == "AWS::EC2::SecurityGroup" {
        return named_default(group_name);
    }
    let default_attr = rule.group_id.and_then(|g| g.intrinsic()).is_some_and(|(f, arg)| {
        f == "Fn::GetAtt"
            && match arg.as_str() {
                Some(s) => s.ends_with(".DefaultSecurityGroup"),
                None => arg.items().get(1).and_then(Node::as_str) == Some("DefaultSecurityGroup"),
            }
    });
    default_attr || (rule.group_id.is_none() && named_default(group_name))
}

/// A template's boolean property that must be `true` and whose absence means `false`: reports it absent (at
/// the logical id, with a fix inserting it) or false (at the entry, with a fix replacing it). `absent` and
/// `off` are the messages' endings after the logical id. Unknown values are not reported.
pub fn cfn_require_true(ctx: &mut CfnContext, res: CfnResource, key: &str, absent: &str, off: &str, fix_title: &str) {
    let edit = cfn_edit::set_property(ctx.template, res, key, &serde_json::json!(true));
    let fix = Fix::new(fix_title.to_string(), vec![edit]);
    match ctx.prop(res, key) {
        None => {
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{}` {absent}", res.logical_id)).fixes.push(fix);
        }
        Some((node, v)) if v.as_bool() == Some(false) => {
            let range = ctx.prop_range(res, key).unwrap_or(node.range);
            ctx.report(res, range, format!("`{}` {off}", res.logical_id)).fixes.push(fix);
        }
        Some(_) => {}
    }
}

/// EC2 instances this run checks: `aws_instance` and calls of `terraform-aws-modules/ec2-instance/aws`,
/// whose inputs carry the same names.
pub fn instances<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.resources_like("aws_instance", "ec2-instance").collect()
}

/// Instance families that are not EBS-optimised by default (previous generation): optimisation is off unless
/// asked for, and some (t1, t2) cannot have it at all.
pub const NOT_EBS_OPTIMIZED_BY_DEFAULT: &[&str] =
    &["t1", "t2", "m1", "m2", "m3", "c1", "c3", "cc2", "cg1", "cr1", "g2", "hi1", "hs1", "i2", "r3"];

/// The family of an instance type (`t2` of `t2.micro`), lower-cased.
pub fn instance_family(instance_type: &str) -> String {
    instance_type.trim().split('.').next().unwrap_or("").to_ascii_lowercase()
}

/// Whether the instance type is EBS-optimised without being asked (every current-generation type).
pub fn ebs_optimized_by_default(instance_type: &str) -> bool {
    !NOT_EBS_OPTIMIZED_BY_DEFAULT.contains(&instance_family(instance_type).as_str())
}

/// A network ACL entry of either direction and action, wherever it was written.
pub struct NaclRule<'m> {
    /// The top-level block that holds it (the ACL, the rule resource, or the VPC module call).
    pub resource: Resource<'m>,
    /// The entry itself (a block, an object of a list, or the rule resource's body).
    pub config: Config<'m>,
    /// The ACL it belongs to, as a comparable key (`None` when not known).
    pub acl: Option<String>,
    /// Outbound (`None`: not known).
    pub egress: Option<bool>,
    /// Allows (`None`: not known).
    pub allow: Option<bool>,
    pub protocol: Option<Protocol>,
    pub from_port: Option<f64>,
    pub to_port: Option<f64>,
    pub rule_number: Option<f64>,
    /// Whether its range is the whole internet.
    pub world: bool,
}

impl NaclRule<'_> {
    pub fn terms(&self) -> AclTerms {
        AclTerms {
            acl: self.acl.clone(),
            egress: self.egress,
            allow: self.allow,
            protocol: self.protocol,
            from_port: self.from_port,
            to_port: self.to_port,
            rule_number: self.rule_number,
            world: self.world,
        }
    }

    /// Whether a TCP or UDP entry allows every port: no range, `0`-`0` (every port, as the VPC module reads
    /// it), or one starting at 0 or 1 and ending at 65535.
    pub fn all_ports(&self) -> bool {
        matches!(self.protocol, Some(Protocol::Tcp | Protocol::Udp))
            && match (self.from_port, self.to_port) {
                (None, _) | (_, None) => true,
                (Some(f), Some(t)) => (f == 0.0 && t == 0.0) || (f <= 1.0 && t >= 65535.0),
            }
    }

    /// Whether `nacl-all-traffic-open-to-world` already reports it: an inbound allow of every protocol or port
    /// from the whole internet.
    pub fn all_traffic_from_world(&self) -> bool {
        let all = match self.protocol {
            Some(Protocol::All) => true,
            Some(Protocol::Tcp | Protocol::Udp) => {
                matches!((self.from_port, self.to_port), (Some(f), Some(t)) if f <= 0.0 && t >= 65535.0)
            }
            _ => false,
        };
        self.egress == Some(false) && self.allow == Some(true) && self.world && all
    }
}

fn nacl_rule<'m>(
    ctx: &TfContext<'_, 'm>,
    resource: Resource<'m>,
    config: Config<'m>,
    acl: Option<String>,
    egress: Option<bool>,
) -> NaclRule<'m> {
    let get = |name: &str| config.attr(name).map(|f| ctx.value(f)).filter(|v| *v != crate::value::Value::Null);
    let allow =
        get("action").or_else(|| get("rule_action")).and_then(|v| v.as_str().map(|s| s.eq_ignore_ascii_case("allow")));
    let world = ["cidr_block", "ipv6_cidr_block"]
        .iter()
        .any(|name| field_strings(ctx, config.attr(name)).iter().any(|c| is_world_cidr(c)));
    NaclRule {
        resource,
        config,
        acl,
        egress,
        allow,
        protocol: get("protocol").and_then(|v| Protocol::from_value(&v)),
        from_port: get("from_port").and_then(|v| v.as_f64()),
        to_port: get("to_port").and_then(|v| v.as_f64()),
        rule_number: get("rule_no").or_else(|| get("rule_number")).and_then(|v| v.as_f64()),
        world,
    }
}

/// Every network ACL entry this run checks: inline `ingress`/`egress` of `aws_network_acl` and
/// `aws_default_network_acl`, `aws_network_acl_rule`, and the VPC module's ACL inputs.
pub fn nacl_entries<'m>(ctx: &TfContext<'_, 'm>) -> Vec<NaclRule<'m>> {
    let mut subjects: Vec<Resource<'m>> = Vec::new();
    for ty in ["aws_network_acl", "aws_default_network_acl", "aws_network_acl_rule"] {
        subjects.extend(ctx.resources(ty));
    }
    subjects.extend(ctx.blocks("module").filter(|m| is_registry_module(m.block, "vpc")));
    subjects.into_iter().flat_map(|res| nacl_entries_of(ctx, res)).collect()
}

/// The network ACL entries one block holds (see [`nacl_entries`]): for lookups of other blocks than the run's.
pub fn nacl_entries_of<'m>(ctx: &TfContext<'_, 'm>, res: Resource<'m>) -> Vec<NaclRule<'m>> {
    let mut out = Vec::new();
    if res.is_module() {
        if !is_registry_module(res.block, "vpc") {
            return out;
        }
        for attr in &res.block.attributes {
            let name = attr.name.as_str();
            let egress = if name.ends_with("_inbound_acl_rules") || name == "default_network_acl_ingress" {
                false
            } else if name.ends_with("_outbound_acl_rules") || name == "default_network_acl_egress" {
                true
            } else {
                continue;
            };
            let tier = name.trim_end_matches("_inbound_acl_rules").trim_end_matches("_outbound_acl_rules");
            let tier = tier.trim_end_matches("_ingress").trim_end_matches("_egress");
            let acl = Some(format!("{}/{tier}", res.address()));
            for c in ctx.nested(res.config(), name) {
                out.push(nacl_rule(ctx, res, c, acl.clone(), Some(egress)));
            }
        }
        return out;
    }
    match res.ty() {
        "aws_network_acl" | "aws_default_network_acl" => {
            let acl = Some(res.address());
            for (name, egress) in [("ingress", false), ("egress", true)] {
                for c in ctx.nested(res.config(), name) {
                    out.push(nacl_rule(ctx, res, c, acl.clone(), Some(egress)));
                }
            }
        }
        "aws_network_acl_rule" => {
            let egress = match ctx.attr(res.block, "egress") {
                None => Some(false),
                Some((_, v)) => v.as_bool(),
            };
            let acl = res.block.attr("network_acl_id").and_then(|a| match crate::kit::refs::reference(&a.expr) {
                Some(r) => Some(format!("{}.{}", r.ty, r.name)),
                None => ctx.eval(&a.expr).as_str().map(str::to_string),
            });
            out.push(nacl_rule(ctx, res, res.config(), acl, egress));
        }
        _ => {}
    }
    out
}

/// A template's network ACL entry (`AWS::EC2::NetworkAclEntry`), read.
pub struct CfnNaclEntry<'t> {
    pub resource: CfnResource<'t>,
    /// The ACL it belongs to, as a comparable key (`None` when not known).
    pub acl: Option<String>,
    pub egress: Option<bool>,
    pub allow: Option<bool>,
    pub protocol: Option<Protocol>,
    /// `PortRange.From` / `To`, `None` when absent.
    pub from_port: Option<f64>,
    pub to_port: Option<f64>,
    pub rule_number: Option<f64>,
    /// `CidrBlock`/`Ipv6CidrBlock` when it is the whole internet: the range, its node and its `Key: value`.
    pub world: Option<(String, &'t Node, TextRange)>,
}

impl CfnNaclEntry<'_> {
    pub fn terms(&self) -> AclTerms {
        AclTerms {
            acl: self.acl.clone(),
            egress: self.egress,
            allow: self.allow,
            protocol: self.protocol,
            from_port: self.from_port,
            to_port: self.to_port,
            rule_number: self.rule_number,
            world: self.world.is_some(),
        }
    }

    /// Whether the entry lets TCP `port` in (`0`-`0` read as every port).
    pub fn tcp_covers(&self, port: f64) -> bool {
        self.protocol == Some(Protocol::Tcp) && self.terms().refuses_tcp(port)
    }

    /// Whether the entry lets every protocol and port in (`-1`, or TCP/UDP `0`-`65535`).
    pub fn all_traffic(&self) -> bool {
        match self.protocol {
            Some(Protocol::All) => true,
            Some(Protocol::Tcp | Protocol::Udp) => {
                matches!((self.from_port, self.to_port), (Some(f), Some(t)) if f <= 0.0 && t >= 65535.0)
            }
            _ => false,
        }
    }
}

/// A template's inbound `allow` entry from the whole internet, with the world denies numbered before it.
pub struct CfnWorldAllow<'t> {
    pub entry: CfnNaclEntry<'t>,
    pub denied_first: Vec<AclTerms>,
}

impl CfnWorldAllow<'_> {
    pub fn admits_tcp(&self, port: f64) -> bool {
        self.entry.tcp_covers(port) && !self.denied_first.iter().any(|d| d.refuses_tcp(port))
    }

    pub fn admits_all_traffic(&self) -> bool {
        self.entry.all_traffic() && self.denied_first.is_empty()
    }

    /// Replaces the world range with a private one; offered, not preferred. None when it is a parameter.
    pub fn narrow_fix(&self, ctx: &CfnContext) -> Option<crate::fix::Fix> {
        let (cidr, node, _) = self.entry.world.as_ref()?;
        if node.intrinsic().is_some() {
            return None;
        }
        let private = if cidr.contains(':') { "fd00::/8" } else { "10.0.0.0/8" };
        let edit = crate::cloudformation::edit::replace_value(ctx.template, node, &serde_json::json!(private));
        Some(crate::fix::Fix::unsafe_("Allow only private ranges (review the range)", vec![edit]))
    }
}

/// The template's inbound world allows (see [`nacl_inbound_allows`]).
pub fn cfn_nacl_world_allows<'t>(ctx: &CfnContext<'_, 't>) -> Vec<CfnWorldAllow<'t>> {
    let entries = cfn_nacl_entries(ctx);
    let terms: Vec<AclTerms> = entries.iter().map(CfnNaclEntry::terms).collect();
    let mut out = Vec::new();
    for (entry, t) in entries.into_iter().zip(&terms) {
        if t.egress == Some(false) && t.allow == Some(true) && t.world {
            out.push(CfnWorldAllow { denied_first: t.denied_first(&terms), entry });
        }
    }
    out
}

/// Every `AWS::EC2::NetworkAclEntry` of the template.
pub fn cfn_nacl_entries<'t>(ctx: &CfnContext<'_, 't>) -> Vec<CfnNaclEntry<'t>> {
    let mut out = Vec::new();
    for res in ctx.resources("AWS::EC2::NetworkAclEntry") {
        let Some(props) = res.properties else { continue };
        let get = |k: &str| props.get(k).map(|n| ctx.eval(n));
        let acl = props.get("NetworkAclId").and_then(|n| match (crate::kit::refs::cfn_named(ctx, n), n.intrinsic()) {
            (Some(r), _) => Some(r.logical_id.to_string()),
            (None, Some(("Ref", arg))) => arg.as_str().map(str::to_string),
            (None, _) => ctx.eval(n).as_str().map(str::to_string),
        });
        let egress = match get("Egress") {
            None | Some(crate::value::Value::Null) => Some(false),
            Some(v) => v.as_bool(),
        };
        let range = |k: &str| props.get("PortRange").and_then(|r| r.get(k)).and_then(|n| ctx.eval(n).as_f64());
        out.push(CfnNaclEntry {
            resource: res,
            acl,
            egress,
            allow: get("RuleAction").and_then(|v| v.as_str().map(|s| s.eq_ignore_ascii_case("allow"))),
            protocol: get("Protocol").and_then(|v| Protocol::from_value(&v)),
            from_port: range("From"),
            to_port: range("To"),
            rule_number: get("RuleNumber").and_then(|v| v.as_f64()),
            world: ["CidrBlock", "Ipv6CidrBlock"].iter().find_map(|k| {
                let e = props.entry(k)?;
                let cidr = ctx.eval(&e.value).as_str()?.to_string();
                crate::kit::network::cfn_is_world_cidr(&cidr).then_some((cidr, &e.value, e.range))
            }),
        });
    }
    out
}
