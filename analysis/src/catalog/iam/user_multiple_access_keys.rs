use std::collections::HashMap;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::kit::iam::cfn_names;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::model::{ExprKind, Step};
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "iam-user-multiple-access-keys",
    title: "IAM user has more than one active access key",
    severity: Severity::Medium,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "Each access key is a long-lived credential: a second active key doubles what can leak, and is usually \
          a rotation that was never finished. CIS AWS Foundations allows one active key per user.",
    aws_side: "AWS lets a user hold two keys so that keys can be rotated; retiring the old one is the customer's \
               duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["3561130e-9c5f-485b-9e16-2764c82763e5", "48677914-6fdf-40ec-80c4-2b0e94079f54"],
        trivy: &[],
    },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0167", "aws-iam-limit-user-access-keys"],
        how: "Trivy's check reads the account (a cloud scan), not the code.",
    },
    matcher: &Custom {
        what: "Flags every active access key (`aws_iam_access_key`, `AWS::IAM::AccessKey`, status absent or \
               `Active`) of a user that has another active key in the same module or template.",
        fix: "Delete the keys the user no longer needs; during a rotation, set the old key's `status` to \
              `\"Inactive\"` until it is deleted. Better, replace user keys with roles.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_access_key"],
            check,
            example: r#"resource "aws_iam_access_key" "old" {
  user = aws_iam_user.ci.name
}

resource "aws_iam_access_key" "new" {
  user = aws_iam_user.ci.name
}"#,
            fixed_example: r#"resource "aws_iam_access_key" "old" {
  user = aws_iam_user.ci.name
  status = "Inactive"
}

resource "aws_iam_access_key" "new" {
  user = aws_iam_user.ci.name
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::AccessKey"],
            check: check_cfn,
            example: r#"Resources:
  OldKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref Ci
  NewKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref Ci
"#,
            fixed_example: r#"Resources:
  OldKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref Ci
      Status: Inactive
  NewKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref Ci
"#,
        }),
    },
};

const FIX: &str = "Deactivate this key (status Inactive)";

/// Which user a key's `user` designates: `aws_iam_user.x` for a reference, the address of the first user of
/// that name for a literal (`name:<literal>` when none has it), the expression's text otherwise.
fn user_of(ctx: &TfContext, key: Resource) -> Option<String> {
    let attr = key.block.attr("user")?;
    Some(match &attr.expr.kind {
        ExprKind::Traversal(root, steps) if root == "aws_iam_user" => match steps.first() {
            Some(Step::Attr(name)) => format!("aws_iam_user.{name}"),
            _ => return None,
        },
        _ => match ctx.eval(&attr.expr).as_str() {
            Some(name) => ctx
                .all_resources("aws_iam_user")
                .find(|u| u.block.attr("name").is_some_and(|a| ctx.eval(&a.expr).as_str() == Some(name)))
                .map_or_else(|| format!("name:{name}"), |u| u.address()),
            None => ctx.file(key).source[attr.expr.range.start..attr.expr.range.end].to_string(),
        },
    })
}

/// Whether a key is active (`status` absent or `Active`); unknown counts as not.
fn active(ctx: &TfContext, key: Resource) -> bool {
    if crate::kit::companions::created(ctx, key) != Some(true) {
        return false;
    }
    match key.block.attr("status") {
        None => true,
        Some(a) => ctx.eval(&a.expr).as_str().is_some_and(|s| s.eq_ignore_ascii_case("Active")),
    }
}

fn check(ctx: &mut TfContext) {
    for key in ctx.resources("aws_iam_access_key").collect::<Vec<_>>() {
        if !active(ctx, key) {
            continue;
        }
        let Some(user) = user_of(ctx, key) else { continue };
        let others = ctx
            .all_resources("aws_iam_access_key")
            .filter(|k| !std::ptr::eq(k.block, key.block) && active(ctx, *k))
            .filter(|k| user_of(ctx, *k).as_deref() == Some(user.as_str()))
            .count();
        if others == 0 {
            continue;
        }
        let file = ctx.file(key);
        let fix = match key.block.attr("status") {
            Some(a) => crate::fix::Edit { range: a.expr.range, text: "\"Inactive\"".into() },
            None => edit::set_attribute(file, key.block, "status", "\"Inactive\""),
        };
        let range = key.block.attr("user").map_or(key.block.header, |a| a.range);
        let message = format!(
            "`{}` is one of {} active access keys of `{user}`: one long-lived key per user is the most there should be",
            key.address(),
            others + 1
        );
        ctx.report_with_fix(key, range, message, Fix::unsafe_(FIX, vec![fix]));
    }
}

/// Which user a template's key designates: the user's logical id (by `!Ref`, logical id or `UserName`), or the
/// literal name.
fn cfn_user_of(ctx: &CfnContext, key: CfnResource, users: &[CfnResource]) -> Option<String> {
    let (node, value) = ctx.prop(key, "UserName")?;
    if let Some(user) = users.iter().find(|u| cfn_names(ctx, node, **u, &["UserName"])) {
        return Some(user.logical_id.to_string());
    }
    value.as_str().map(|name| format!("name:{name}"))
}

fn cfn_active(ctx: &CfnContext, key: CfnResource) -> bool {
    match ctx.prop(key, "Status") {
        None => true,
        Some((_, v)) => v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("Active")),
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let users: Vec<CfnResource> = ctx.resources("AWS::IAM::User").collect();
    let keys: Vec<CfnResource> = ctx.resources("AWS::IAM::AccessKey").filter(|k| cfn_active(ctx, *k)).collect();
    let mut by_user: HashMap<String, Vec<CfnResource>> = HashMap::new();
    for key in &keys {
        if let Some(user) = cfn_user_of(ctx, *key, &users) {
            by_user.entry(user).or_default().push(*key);
        }
    }
    for key in keys {
        let Some(user) = cfn_user_of(ctx, key, &users) else { continue };
        let count = by_user.get(&user).map_or(0, Vec::len);
        if count < 2 {
            continue;
        }
        let edit = match ctx.prop(key, "Status") {
            Some((node, _)) => cfn_edit::replace_value(ctx.template, node, &json!("Inactive")),
            None => cfn_edit::set_property(ctx.template, key, "Status", &json!("Inactive")),
        };
        let user = user.strip_prefix("name:").unwrap_or(&user);
        let message = format!(
            "`{}` is one of {count} active access keys of `{user}`: one long-lived key per user is the most there \
             should be",
            key.logical_id
        );
        let range = ctx.prop_range(key, "UserName").unwrap_or(ctx.header(key));
        ctx.report(key, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_every_active_key_of_a_user_with_two() {
        let tf = r#"resource "aws_iam_user" "example" {
  name = "loadbalancer"
}
resource "aws_iam_user" "lb" {
  name = "loadbalancer"
}
resource "aws_iam_access_key" "other_user" {
  user = aws_iam_user.example.name
}
resource "aws_iam_access_key" "first" {
  user = aws_iam_user.lb.name
}
resource "aws_iam_access_key" "second" {
  user    = aws_iam_user.lb.name
  pgp_key = "keybase:someone"
}
resource "aws_iam_access_key" "inactive" {
  user   = aws_iam_user.example.name
  status = "Inactive"
}
resource "aws_iam_access_key" "var_a" {
  user = var.name
}
resource "aws_iam_access_key" "var_b" {
  user   = var.name
  status = var.status
}
"#;
        assert_eq!(lines(&RULE, tf), [11, 14]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        // By literal name, and the same user by reference.
        let by_name = r#"resource "aws_iam_user" "u" {
  name = "deploy"
}
resource "aws_iam_access_key" "a" {
  user = "deploy"
}
resource "aws_iam_access_key" "b" {
  user   = aws_iam_user.u.name
  status = "Active"
}
"#;
        assert_eq!(lines(&RULE, by_name), [5, 8]);
        assert_eq!(check_fixes(&RULE, by_name), 2);
    }

    #[test]
    fn keys_at_the_same_place_of_two_files_are_two_keys() {
        let key = "resource \"aws_iam_access_key\" \"k\" {\n  user = aws_iam_user.u.name\n}\n";
        let other = "resource \"aws_iam_access_key\" \"j\" {\n  user = aws_iam_user.u.name\n}\n";
        let found = crate::kit::testing::run_files(&RULE, &[("a.tf", key), ("b.tf", other)]);
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn cloudformation_keys_by_ref_and_by_name() {
        let yaml = r#"Resources:
  myuser:
    Type: AWS::IAM::User
    Properties:
      UserName: deployer
  firstKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref myuser
  secondKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: myuser
  thirdKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: deployer
      Status: Inactive
  otherKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref Unknown
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [9, 13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json = r#"{"Resources": {"A": {"Type": "AWS::IAM::AccessKey", "Properties": {"UserName": "u"}},
  "B": {"Type": "AWS::IAM::AccessKey", "Properties": {"UserName": "u", "Status": "Active"}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 2);
    }
}
