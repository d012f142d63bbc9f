use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::iam::{cfn_items, cfn_names, elements, names};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "iam-user-not-in-group",
    title: "IAM user belongs to no IAM group",
    severity: Severity::Low,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "Permissions granted user by user drift apart and are hard to review; managing them through groups (or, \
          better, roles) keeps one place per job function to grant, review and revoke.",
    aws_side: "AWS applies whatever is attached to the user; organising access through groups is the customer's \
               choice.",
    equivalents: Equivalents { checkov: &[], kics: &["06933df4-0ea7-461c-b9b5-104d27390e0e"], trivy: &[] },
    related: Related {
        checkov: &["CKV2_AWS_21"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_21 judges `aws_iam_group_membership` resources (each must connect a group and users) and \
              never reports a user.",
    },
    matcher: &Custom {
        what: "Flags IAM users that no membership of the module lists (`aws_iam_group_membership` `users`, \
               `aws_iam_user_group_membership` with groups), unless the module manages no memberships and hands \
               the user to its caller in an output; in CloudFormation, users whose `Groups` is absent or \
               empty and that no `AWS::IAM::UserToGroupAddition` lists.",
        fix: "Add the user to the group of its job function (`aws_iam_user_group_membership`, `Groups`) and grant \
              permissions to the group.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_user"],
            check,
            example: r#"resource "aws_iam_user" "ci" {
  name = "ci"
}"#,
            fixed_example: r#"resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_user_group_membership" "ci" {
  user   = aws_iam_user.ci.name
  groups = [aws_iam_group.deployers.name]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::User"],
            check: check_cfn,
            example: r#"Resources:
  Ci:
    Type: AWS::IAM::User
    Properties:
      Path: /
"#,
            fixed_example: r#"Resources:
  Ci:
    Type: AWS::IAM::User
    Properties:
      Path: /
      Groups: [!Ref Deployers]
"#,
        }),
    },
};

/// Whether a list value may be non-empty (unknown counts).
fn may_have_items(v: &Value) -> bool {
    match v {
        Value::List(items) => !items.is_empty(),
        Value::Null => false,
        _ => true,
    }
}

/// Whether the module hands the user to its caller (an `output` names it) and manages no memberships itself:
/// then the caller adds it to groups, and this module cannot tell.
fn handed_to_caller(ctx: &TfContext, user: crate::terraform::check::Resource) -> bool {
    let memberships = ["aws_iam_group_membership", "aws_iam_user_group_membership"];
    if memberships.iter().any(|ty| ctx.all_resources(ty).next().is_some()) {
        return false;
    }
    let address = user.address();
    ctx.all_blocks("output").any(|o| {
        o.block.attr("value").is_some_and(|a| {
            let text = &ctx.file(o).source[a.expr.range.start..a.expr.range.end];
            text.contains(&address)
        })
    })
}

const FIX: &str = "Add the user to a group (name to replace)";

fn check(ctx: &mut TfContext) {
    for user in ctx.resources("aws_iam_user").collect::<Vec<_>>() {
        if handed_to_caller(ctx, user) {
            continue;
        }
        let in_group =
            ctx.all_resources("aws_iam_group_membership").any(|m| {
                m.block.attr("users").is_some_and(|a| match &a.expr.kind {
                    crate::terraform::model::ExprKind::Tuple(_) => {
                        elements(&a.expr).into_iter().any(|e| names(ctx, e, user))
                    }
                    // `users = var.users`: the user may be among them.
                    _ => !ctx.eval(&a.expr).is_known(),
                })
            }) || crate::kit::companions::companions(ctx, user, "aws_iam_user_group_membership", "user", &["name"])
                .into_iter()
                .any(|m| m.block.attr("groups").is_some_and(|a| may_have_items(&ctx.eval(&a.expr))));
        if !in_group {
            let message = format!(
                "`{}` belongs to no IAM group: grant its permissions through the group of its job function",
                user.address()
            );
            let taken = |n: &str| !ctx.at_address(&format!("aws_iam_user_group_membership.{n}")).is_empty();
            let name = std::iter::once(user.name().to_string())
                .chain((2..).map(|i| format!("{}_{i}", user.name())))
                .find(|n| !taken(n))
                .expect("some name is free");
            let text = format!(
                "resource \"aws_iam_user_group_membership\" \"{name}\" {{\n  user   = {}.name\n  groups = [\"<group-name>\"]\n}}",
                user.address()
            );
            let fix = Fix::unsafe_(FIX, vec![edit::insert_after(ctx.file(user), user.block, &text)]);
            ctx.report_with_fix(user, user.block.header, message, fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let additions: Vec<_> = ctx.resources("AWS::IAM::UserToGroupAddition").collect();
    for user in ctx.resources("AWS::IAM::User").collect::<Vec<_>>() {
        let groups = ctx.prop(user, "Groups");
        let range = match &groups {
            Some((node, value)) if !may_have_items(value) => ctx.prop_range(user, "Groups").unwrap_or(node.range),
            Some(_) => continue,
            None => ctx.header(user),
        };
        let added = additions.iter().any(|a| {
            ctx.prop(*a, "Users")
                .is_some_and(|(node, _)| cfn_items(node).into_iter().any(|n| cfn_names(ctx, n, user, &["UserName"])))
        });
        if added {
            continue;
        }
        let message = format!(
            "`{}` belongs to no IAM group: grant its permissions through the group of its job function",
            user.logical_id
        );
        let fix = match &groups {
            Some((node, _)) => cfn_edit::replace_value(ctx.template, node, &json!(["<group-name>"])),
            None => cfn_edit::set_property(ctx.template, user, "Groups", &json!(["<group-name>"])),
        };
        ctx.report(user, range, message).fixes.push(Fix::unsafe_(FIX, vec![fix]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_users_no_membership_lists() {
        let tf = r#"resource "aws_iam_user" "alone" {
  name = "alone"
}
resource "aws_iam_user" "member" {
  name = "member"
}
resource "aws_iam_user" "by_user" {
  name = "by-user"
}
resource "aws_iam_user" "no_groups" {
  name = "no-groups"
}
resource "aws_iam_group_membership" "team" {
  name  = "team"
  users = [aws_iam_user.member.name]
  group = aws_iam_group.g.name
}
resource "aws_iam_user_group_membership" "by_user" {
  user   = "by-user"
  groups = [aws_iam_group.g.name]
}
resource "aws_iam_user_group_membership" "no_groups" {
  user   = aws_iam_user.no_groups.name
  groups = []
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 10]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let unknown = "resource \"aws_iam_user\" \"u\" {\n  name = \"u\"\n}\nresource \"aws_iam_group_membership\" \"m\" {\n  users = var.users\n}\n";
        assert!(lines(&RULE, unknown).is_empty());
        // A module that hands its user to the caller, and manages no memberships, cannot tell.
        let module = "resource \"aws_iam_user\" \"this\" {\n  name = var.name\n}\noutput \"name\" {\n  value = try(aws_iam_user.this[0].name, \"\")\n}\n";
        assert!(lines(&RULE, module).is_empty());
    }

    #[test]
    fn cloudformation_users_without_groups() {
        let yaml = r#"Resources:
  NoGroups:
    Type: AWS::IAM::User
    Properties:
      Path: /
  EmptyGroups:
    Type: AWS::IAM::User
    Properties:
      Groups: []
  InGroup:
    Type: AWS::IAM::User
    Properties:
      Groups: [QAGroup]
  Added:
    Type: AWS::IAM::User
    Properties:
      UserName: added
  Addition:
    Type: AWS::IAM::UserToGroupAddition
    Properties:
      GroupName: QAGroup
      Users: [added]
  Conditional:
    Type: AWS::IAM::User
    Properties:
      Groups: !If [C, [A], !Ref AWS::NoValue]
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
