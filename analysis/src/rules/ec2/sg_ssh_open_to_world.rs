use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;
use crate::terraform::model::Block;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "sg-ssh-open-to-world",
    title: "Security group allows SSH from the whole internet",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "EC2",
    what: "Flags ingress rules that open TCP port 22 to `0.0.0.0/0` or `::/0`, inline in `aws_security_group` or \
           as `aws_security_group_rule` / `aws_vpc_security_group_ingress_rule` resources.",
    why: "SSH open to the internet is scanned and brute-forced within minutes of an instance starting. One weak \
          key or an unpatched sshd then gives an attacker a shell inside your VPC.",
    aws_side: "AWS protects its network fabric against DoS, spoofing and port scanning; the security groups you \
               write decide what reaches your instances. Opening a port is the customer's choice and duty.",
    fix: "Allow SSH only from known ranges (a bastion, a VPN, the VPC's CIDR), or drop SSH and use AWS Systems \
          Manager Session Manager.",
    example: r#"resource "aws_security_group" "web" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"#,
    fixed_example: r#"resource "aws_security_group" "web" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}"#,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_24"],
        kics: &["65905cec-d691-4320-b320-2000436cb696"],
        trivy: &["AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr"],
    },
    terraform: Some(check),
    has_fix: true,
};

const PORT: f64 = 22.0;
const WORLD: [&str; 2] = ["0.0.0.0/0", "::/0"];

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_security_group").collect::<Vec<_>>() {
        for ingress in res.block.blocks("ingress") {
            check_rule(ctx, res, ingress, &["cidr_blocks", "ipv6_cidr_blocks"]);
        }
    }
    for res in ctx.resources("aws_security_group_rule").collect::<Vec<_>>() {
        if ctx.attr(res.block, "type").is_some_and(|(_, t)| t.as_str() == Some("ingress")) {
            check_rule(ctx, res, res.block, &["cidr_blocks", "ipv6_cidr_blocks"]);
        }
    }
    for res in ctx.resources("aws_vpc_security_group_ingress_rule").collect::<Vec<_>>() {
        check_rule(ctx, res, res.block, &["cidr_ipv4", "cidr_ipv6"]);
    }
}

/// Reports `rule` (an ingress block or rule resource) if it opens port 22 over TCP to the world.
fn check_rule(ctx: &mut TfContext, res: crate::terraform::check::Resource, rule: &Block, cidr_attrs: &[&str]) {
    let protocol = rule.attr("protocol").or(rule.attr("ip_protocol")).map(|a| ctx.eval(&a.expr));
    let tcp = match protocol.as_ref().and_then(Value::to_text) {
        Some(p) => matches!(p.to_ascii_lowercase().as_str(), "tcp" | "6" | "-1" | "all"),
        None => false,
    };
    let all_traffic = protocol.as_ref().and_then(Value::to_text).is_some_and(|p| p == "-1" || p == "all");
    let from = rule.attr("from_port").map(|a| ctx.eval(&a.expr)).and_then(|v| v.as_f64());
    let to = rule.attr("to_port").map(|a| ctx.eval(&a.expr)).and_then(|v| v.as_f64());
    let covers_port = all_traffic || matches!((from, to), (Some(f), Some(t)) if f <= PORT && PORT <= t);
    if !tcp || !covers_port {
        return;
    }
    for name in cidr_attrs {
        let Some(attr) = rule.attr(name) else { continue };
        let value = ctx.eval(&attr.expr);
        if !value.one_or_many().iter().any(|v| v.as_str().is_some_and(|s| WORLD.contains(&s))) {
            continue;
        }
        let fix = narrow_fix(ctx, res, attr);
        let finding = ctx.report(res, attr.range, format!("`{}` allows SSH (port 22) from anywhere", res.address()));
        finding.fixes.extend(fix);
    }
}

/// Replaces the world range with the private 10.0.0.0/8: a starting point the user should narrow further.
fn narrow_fix(
    ctx: &TfContext,
    res: crate::terraform::check::Resource,
    attr: &crate::terraform::model::Attribute,
) -> Option<Fix> {
    let file = ctx.file(res);
    let text = &file.source[attr.expr.range.start..attr.expr.range.end];
    let mut edits = Vec::new();
    for world in WORLD {
        let quoted = format!("\"{world}\"");
        for (i, _) in text.match_indices(&quoted) {
            let start = attr.expr.range.start + i;
            let private = if world.contains(':') { "\"fd00::/8\"" } else { "\"10.0.0.0/8\"" };
            edits.push(Edit {
                range: crate::text::TextRange::new(start, start + quoted.len()),
                text: private.to_string(),
            });
        }
    }
    (!edits.is_empty()).then(|| Fix::unsafe_("Allow SSH only from private ranges (review the range)", edits))
}
