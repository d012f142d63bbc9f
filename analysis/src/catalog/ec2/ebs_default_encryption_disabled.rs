use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "ebs-default-encryption-disabled",
    title: "EBS encryption by default is turned off",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "EC2",
    why: "Encryption by default is the safety net that encrypts every new EBS volume and snapshot copy of the \
          region, including those created by tools, autoscaling groups and other teams that forget to ask for \
          it. Turning it off explicitly lets unencrypted disks appear silently.",
    aws_side: "AWS offers encryption by default per account and region, and leaves it off until the customer \
               turns it on. Managing it is the customer's setting.",
    equivalents: Equivalents { checkov: &["CKV_AWS_106"], kics: &["3d3f6270-546b-443c-adb4-bb6fb2187ca6"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_ebs_encryption_by_default` resources with `enabled = false`.",
        fix: "Set `enabled = true` (or remove the attribute: it defaults to `true`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ebs_encryption_by_default"],
            check,
            example: r#"resource "aws_ebs_encryption_by_default" "this" {
  enabled = false
}"#,
            fixed_example: r#"resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ebs_encryption_by_default").collect::<Vec<_>>() {
        let Some((attr, value)) = ctx.attr(res.block, "enabled") else { continue };
        if value.as_bool() != Some(false) {
            continue;
        }
        let file = ctx.file(res);
        let fix =
            Fix::new("Turn encryption by default on", vec![edit::set_attribute(file, res.block, "enabled", "true")]);
        ctx.report_with_fix(res, attr.range, format!("`{}` turns EBS encryption by default off", res.address()), fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_only_an_explicit_false() {
        let text = r#"resource "aws_ebs_encryption_by_default" "a" {
  enabled = false
}
resource "aws_ebs_encryption_by_default" "b" {
  enabled = true
}
resource "aws_ebs_encryption_by_default" "c" {
}
resource "aws_ebs_encryption_by_default" "d" {
  enabled = var.on
}
"#;
        assert_eq!(lines(&RULE, text), vec![2]);
        assert_eq!(check_fixes(&RULE, text), 1);
    }
}
