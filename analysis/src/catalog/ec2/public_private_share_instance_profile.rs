use crate::kit::ec2::instances;
use crate::kit::refs::{reference, RefKind};
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "ec2-public-private-share-instance-profile",
    title: "Public and private EC2 instances share the same IAM instance profile",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "EC2",
    why: "The internet-facing instance is the one most likely to be compromised; if it carries the same role as \
          the back-end instances, an attacker who lands on it inherits every permission the private tier needs \
          (databases, secrets, buckets), erasing the network separation.",
    aws_side: "AWS issues whatever credentials the role grants. Splitting roles per tier is the customer's \
               least-privilege design.",
    equivalents: Equivalents { checkov: &[], kics: &["c53c7a89-f9d7-4c7b-8b66-8a555be99593"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags public EC2 instances (`associate_public_ip_address = true`, or a subnet that is a VPC module's \
               `public_subnets` or maps public IPs on launch) whose `iam_instance_profile` is also used by a \
               private instance (a module's `private_subnets`, `intra_subnets` or `database_subnets`, or a subnet of \
               the configuration that does not map public IPs). Instances whose side is not known are not judged.",
        fix: "Give the public tier its own instance profile and role, with only the permissions it needs.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_instance"],
            check,
            example: r#"resource "aws_instance" "web" {
  subnet_id            = module.vpc.public_subnets[0]
  iam_instance_profile = aws_iam_instance_profile.app.name
}
resource "aws_instance" "worker" {
  subnet_id            = module.vpc.private_subnets[0]
  iam_instance_profile = aws_iam_instance_profile.app.name
}"#,
            fixed_example: r#"resource "aws_instance" "web" {
  subnet_id            = module.vpc.public_subnets[0]
  iam_instance_profile = aws_iam_instance_profile.web.name
}
resource "aws_instance" "worker" {
  subnet_id            = module.vpc.private_subnets[0]
  iam_instance_profile = aws_iam_instance_profile.worker.name
}"#,
        }),
        cloudformation: None,
    },
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Public,
    Private,
}

/// The profile an instance uses, as a comparable key (the block it refers to, or the literal name).
fn profile_key(ctx: &TfContext, res: Resource) -> Option<String> {
    let attr = res.block.attr("iam_instance_profile")?;
    if let Some(r) = reference(&attr.expr).filter(|r| r.kind != RefKind::Module) {
        return Some(format!("{:?}.{}.{}", r.kind, r.ty, r.name));
    }
    ctx.eval(&attr.expr).as_str().filter(|s| !s.is_empty()).map(|s| format!("name:{s}"))
}

/// Which side of the network an instance is on, when it can be told.
fn side(ctx: &TfContext, res: Resource) -> Option<Side> {
    let public_ip = ctx.attr(res.block, "associate_public_ip_address").and_then(|(_, v)| v.as_bool());
    if public_ip == Some(true) {
        return Some(Side::Public);
    }
    let subnet = reference(&res.block.attr("subnet_id")?.expr)?;
    let subnet_side = match (subnet.kind, subnet.ty.as_str()) {
        (RefKind::Module, _) => match subnet.name.as_str() {
            "public_subnets" => Side::Public,
            "private_subnets" | "intra_subnets" | "database_subnets" | "elasticache_subnets" | "redshift_subnets" => {
                Side::Private
            }
            _ => return None,
        },
        (RefKind::Resource, "aws_subnet") => {
            let targets = subnet.targets(ctx);
            let target = targets.first()?;
            match ctx.attr(target.block, "map_public_ip_on_launch") {
                Some((_, v)) if v.as_bool() == Some(true) => Side::Public,
                Some((_, v)) if v.as_bool().is_none() => return None,
                _ => Side::Private,
            }
        }
        _ => return None,
    };
    match (subnet_side, public_ip) {
        // A public subnet's instance without a public address is private.
        (Side::Public, Some(false)) => Some(Side::Private),
        (side, _) => Some(side),
    }
}

fn check(ctx: &mut TfContext) {
    let all: Vec<Resource> = ctx.all_resources_like("aws_instance", "ec2-instance").collect();
    let sides: Vec<(Resource, String, Side)> =
        all.iter().filter_map(|&r| Some((r, profile_key(ctx, r)?, side(ctx, r)?))).collect();
    for res in instances(ctx) {
        let Some((_, key, Side::Public)) = sides.iter().find(|(r, _, _)| std::ptr::eq(r.block, res.block)) else {
            continue;
        };
        let Some((private, _, _)) = sides.iter().find(|(_, k, s)| k == key && *s == Side::Private) else { continue };
        let Some(attr) = res.block.attr("iam_instance_profile") else { continue };
        let message = format!(
            "`{}` is public and shares its instance profile with the private `{}`: compromising it yields the \
             private tier's permissions",
            res.address(),
            private.address()
        );
        ctx.report(res, attr.range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::lines;

    #[test]
    fn flags_public_instances_sharing_a_private_profile() {
        let tf = r#"resource "aws_instance" "pub" {
  subnet_id            = module.vpc.public_subnets[0]
  iam_instance_profile = aws_iam_instance_profile.p.name
}
resource "aws_instance" "priv" {
  subnet_id            = module.vpc.private_subnets[0]
  iam_instance_profile = aws_iam_instance_profile.p.name
}
module "pub" {
  source                      = "terraform-aws-modules/ec2-instance/aws"
  subnet_id                   = aws_subnet.s.id
  associate_public_ip_address = true
  iam_instance_profile        = "shared"
}
resource "aws_subnet" "s" {
  vpc_id = aws_vpc.main.id
}
resource "aws_instance" "priv2" {
  subnet_id            = aws_subnet.s.id
  iam_instance_profile = "shared"
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 13]);
    }

    #[test]
    fn different_profiles_and_unknown_sides_pass() {
        let tf = r#"resource "aws_instance" "pub" {
  subnet_id            = module.vpc.public_subnets[0]
  iam_instance_profile = aws_iam_instance_profile.a.name
}
resource "aws_instance" "priv" {
  subnet_id            = module.vpc.private_subnets[0]
  iam_instance_profile = aws_iam_instance_profile.b.name
}
resource "aws_instance" "unknown" {
  subnet_id            = var.subnet
  iam_instance_profile = aws_iam_instance_profile.a.name
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }
}
