use crate::fix::Fix;
use crate::kit::ec2::delete_lines;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "ami-shared-externally",
    title: "AMI is public or shared with several accounts",
    severity: Severity::Medium,
    row: Row::DataSharing,
    service: "EC2",
    why: "An AMI carries the whole disk of the machine it was made from: application code, configuration, and \
          often forgotten keys, tokens and data. A public image can be launched and read by anyone; images \
          shared account by account drift out of anyone's sight as accounts change hands.",
    aws_side: "AWS keeps AMIs private to the owning account until the owner grants launch permissions, and \
               blocks public sharing for new accounts by default. Whom the customer shares images with is the \
               customer's decision.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_205"],
        kics: &["ba4e0031-3e9d-4d7d-b0d6-bd8f003f8698"],
        trivy: &[],
        how: "Checkov's CKV_AWS_205 fails every `aws_ami_launch_permission`, a share with a single account included; \
              this rule flags public AMIs and AMIs shared with more than one account. KICS's AMI Shared With Multiple \
              Accounts (ba4e0031) fails only images given to more than one account; this rule also flags public \
              images (`group = \"all\"`).",
    },
    matcher: &Custom {
        what: "Flags `aws_ami_launch_permission` resources that make an image public (`group = \"all\"`), and \
               images given launch permissions for more than one account one by one. Sharing with an organization \
               or organizational unit is not flagged.",
        fix: "Remove the public permission. Share with an AWS Organization or OU (`organization_arn`, \
              `organizational_unit_arn`) instead of individual accounts, and keep secrets out of images.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ami_launch_permission"],
            check,
            example: r#"resource "aws_ami_launch_permission" "public" {
  image_id = "ami-12345678"
  group    = "all"
}"#,
            fixed_example: r#"resource "aws_ami_launch_permission" "org" {
  image_id         = "ami-12345678"
  organization_arn = "arn:aws:organizations::111122223333:organization/o-abc123"
}"#,
        }),
        cloudformation: None,
    },
};

/// The image a permission is about, as written: a literal id or the text of the reference.
fn image_key(ctx: &TfContext, res: Resource) -> Option<String> {
    let attr = res.block.attr("image_id")?;
    if let Some(id) = ctx.eval(&attr.expr).as_str() {
        return Some(id.to_string());
    }
    let text = ctx.file(res).source.get(attr.expr.range.start..attr.expr.range.end)?;
    Some(text.split_whitespace().collect())
}

fn check(ctx: &mut TfContext) {
    let permissions: Vec<Resource> = ctx.resources("aws_ami_launch_permission").collect();
    for res in &permissions {
        let Some((attr, group)) = ctx.attr(res.block, "group") else { continue };
        if group.as_str() != Some("all") {
            continue;
        }
        let source = &ctx.file(*res).source;
        let fix = Fix::unsafe_("Remove the public launch permission", vec![delete_lines(source, res.block.range)]);
        ctx.report_with_fix(*res, attr.range, format!("`{}` makes the image public", res.address()), fix);
    }
    // Shares to single accounts, by image: every permission of the module counts.
    let to_one_account = |res: Resource| {
        let account = ctx.attr(res.block, "account_id").map(|(_, v)| v);
        if !account.is_some_and(|a| a.is_known() && a != crate::value::Value::Null) {
            return None;
        }
        image_key(ctx, res)
    };
    let all_shares: Vec<String> = ctx.all_resources("aws_ami_launch_permission").filter_map(&to_one_account).collect();
    let by_account: Vec<(String, Resource)> =
        permissions.iter().filter_map(|res| Some((to_one_account(*res)?, *res))).collect();
    for (key, res) in &by_account {
        let count = all_shares.iter().filter(|k| *k == key).count();
        if count < 2 {
            continue;
        }
        let Some(attr) = res.block.attr("image_id") else { continue };
        let message = format!("`{}` shares image {key} with one of {count} accounts granted one by one", res.address());
        ctx.report(*res, attr.range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_public_and_multi_account_shares() {
        let text = r#"resource "aws_ami_launch_permission" "a" {
  image_id   = "ami-1235678"
  account_id = "12345600012"
}
resource "aws_ami_launch_permission" "b" {
  image_id   = "ami-1235678"
  account_id = "123456789012"
}
resource "aws_ami_launch_permission" "c" {
  image_id = aws_ami_copy.x.id
  group    = "all"
}
"#;
        assert_eq!(lines(&RULE, text), vec![11, 2, 6]);
        assert_eq!(check_fixes(&RULE, text), 1);
    }

    #[test]
    fn single_account_org_and_unknown_shares_are_fine() {
        let text = r#"resource "aws_ami_launch_permission" "a" {
  image_id   = "ami-12345678"
  account_id = "123456789012"
}
resource "aws_ami_launch_permission" "b" {
  image_id   = "ami-12345680"
  account_id = "12345672"
}
resource "aws_ami_launch_permission" "c" {
  image_id         = "ami-12345680"
  organization_arn = "arn:aws:organizations::111122223333:organization/o-abc123"
}
resource "aws_ami_launch_permission" "d" {
  image_id   = "ami-12345680"
  account_id = var.account
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }
}
