use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "iam-root-access-key",
    title: "Active access key for a user named root",
    severity: Severity::Critical,
    row: Row::AccountCompromise,
    service: "IAM",
    why: "Long-lived access keys are the credentials most often leaked (source code, CI logs, laptops), and the \
          root user's keys cannot be limited by any IAM policy or permission boundary. Terraform cannot create \
          keys for the real root user (the IAM API has no such user), so a key for a user named `root` is either \
          a mistake about what it creates or an IAM user made to look like the root user; either way the intent \
          is account-wide programmatic access that should not exist.",
    aws_side: "AWS lets only the root user itself create root access keys, and recommends that none exist. \
               Not creating or keeping such keys, and using roles with temporary credentials instead, is the \
               customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_348"],
        kics: &[],
        trivy: &["AVD-AWS-0141", "aws-iam-no-root-access-keys"],
    },
    related: Related {
        checkov: &[],
        kics: &["970d224d-b42a-416b-81f9-8f4dfe70c4bc", "4c137350-7307-4803-8c04-17c09a7a9fcf"],
        trivy: &[],
        how: "KICS's Terraform Root Account Has Active Access Keys (970d224d) fails a key of any user whose name \
              contains `root` (`rootless`, `chroot-builder`), where this rule needs the name `root`; its \
              CloudFormation query (4c137350) does the same with an `AWS::IAM::AccessKey`'s `UserName`, and fails \
              keys with `Status: Inactive` too.",
    },
    matcher: &Custom {
        what: "Flags `aws_iam_access_key` resources for the user `root` whose `status` is `Active` (the default).",
        fix: "Remove the key and give the automation a role (or an IAM user with least privilege); as a stop-gap, \
              set `status = \"Inactive\"`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_access_key"],
            check,
            example: r#"resource "aws_iam_access_key" "root" {
  user = "root"
}"#,
            fixed_example: r#"resource "aws_iam_access_key" "root" {
  user   = "root"
  status = "Inactive"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::AccessKey"],
            check: check_cfn,
            example: r#"Resources:
  RootKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: root
"#,
            fixed_example: r#"Resources:
  RootKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: root
      Status: Inactive
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::IAM::AccessKey").collect::<Vec<_>>() {
        let Some((_, user)) = ctx.prop(res, "UserName") else { continue };
        if !user.as_str().is_some_and(|u| u.eq_ignore_ascii_case("root")) {
            continue;
        }
        let fix = Fix::new(
            "Deactivate the key",
            vec![cfn_edit::set_property(ctx.template, res, "Status", &json!("Inactive"))],
        );
        match ctx.prop(res, "Status") {
            None => {
                let range = ctx.prop_range(res, "UserName").unwrap_or(ctx.header(res));
                let message = format!("`{}` creates an active access key for the user `root`", res.logical_id);
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some((node, status)) if status.as_str().is_some_and(|s| s.eq_ignore_ascii_case("Active")) => {
                let range = ctx.prop_range(res, "Status").unwrap_or(node.range);
                let message = format!("`{}` keeps an access key of the user `root` active", res.logical_id);
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some(_) => {}
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_iam_access_key").collect::<Vec<_>>() {
        let Some((_, user)) = ctx.attr(res.block, "user") else { continue };
        if !user.as_str().is_some_and(|u| u.eq_ignore_ascii_case("root")) {
            continue;
        }
        let fix = Fix::new(
            "Deactivate the key",
            vec![edit::set_attribute(ctx.file(res), res.block, "status", "\"Inactive\"")],
        );
        match ctx.attr(res.block, "status") {
            None => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{}` creates an active access key for the user `root`", res.address()),
                fix,
            ),
            Some((attr, status)) if status.as_str().is_some_and(|s| s.eq_ignore_ascii_case("Active")) => ctx
                .report_with_fix(
                    res,
                    attr.range,
                    format!("`{}` keeps an access key of the user `root` active", res.address()),
                    fix,
                ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_active_root_keys_only() {
        let text = r#"resource "aws_iam_access_key" "default" {
  user    = "root"
  pgp_key = "keybase:someone"
}
resource "aws_iam_access_key" "active" {
  user   = "Root"
  status = "Active"
}
resource "aws_iam_access_key" "inactive" {
  user   = "root"
  status = "Inactive"
}
resource "aws_iam_access_key" "other" {
  user = aws_iam_user.lb.name
}
resource "aws_iam_access_key" "unknown_status" {
  user   = "root"
  status = var.status
}
resource "aws_iam_access_key" "half" {}
"#;
        assert_eq!(lines(&RULE, text), [1, 7]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: Root\n  B:\n    Type: AWS::IAM::AccessKey\n    Properties: {UserName: root, Status: Active}\n  C:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: root\n      Status: Inactive\n  D:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref U\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 8]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json = r#"{"Resources": {"A": {"Type": "AWS::IAM::AccessKey", "Properties": {"UserName": "root"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
