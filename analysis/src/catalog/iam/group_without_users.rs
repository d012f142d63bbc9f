use crate::cloudformation::check::CfnContext;
use crate::kit::iam::{cfn_items, cfn_names, elements, names};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "iam-group-without-users",
    title: "IAM group has no members",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "An empty group with policies attached is unused permission waiting to be granted by one membership \
          change; removing unused groups keeps the permissions of the account reviewable.",
    aws_side: "AWS keeps a group and its policies whether or not it has members; pruning unused access is the \
               customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["fc101ca7-c9dd-4198-a1eb-0fbe92e80044", "8f957abd-9703-413d-87d3-c578950a753c"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV2_AWS_14"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_14 judges `aws_iam_group_membership` resources (each must connect a group and users); a \
              group that no membership names is never reported.",
    },
    matcher: &Custom {
        what: "Flags IAM groups that no membership of the module fills: no `aws_iam_group_membership` naming the \
               group with users, no `aws_iam_user_group_membership` listing it; in CloudFormation, groups that no \
               `AWS::IAM::User` lists in `Groups` and no `AWS::IAM::UserToGroupAddition` names.",
        fix: "Add the users who need the group's permissions, or delete the group.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_group"],
            check,
            example: r#"resource "aws_iam_group" "deployers" {
  name = "deployers"
}"#,
            fixed_example: r#"resource "aws_iam_group" "deployers" {
  name = "deployers"
}

resource "aws_iam_group_membership" "deployers" {
  name  = "deployers"
  group = aws_iam_group.deployers.name
  users = [aws_iam_user.ci.name]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::Group"],
            check: check_cfn,
            example: r#"Resources:
  Deployers:
    Type: AWS::IAM::Group
"#,
            fixed_example: r#"Resources:
  Deployers:
    Type: AWS::IAM::Group
  Ci:
    Type: AWS::IAM::User
    Properties:
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

const WHAT: &str = "has no members: its permissions are unused, one membership change away from being granted";

fn check(ctx: &mut TfContext) {
    for group in ctx.resources("aws_iam_group").collect::<Vec<_>>() {
        let filled = crate::kit::companions::companions(ctx, group, "aws_iam_group_membership", "group", &["name"])
            .into_iter()
            .any(|m| m.block.attr("users").is_some_and(|a| may_have_items(&ctx.eval(&a.expr))))
            || ctx.all_resources("aws_iam_user_group_membership").any(|m| {
                m.block.attr("groups").is_some_and(|a| match &a.expr.kind {
                    crate::terraform::model::ExprKind::Tuple(_) => {
                        elements(&a.expr).into_iter().any(|e| names(ctx, e, group))
                    }
                    _ => !ctx.eval(&a.expr).is_known(),
                })
            });
        if !filled {
            ctx.report(group, group.block.header, format!("`{}` {WHAT}", group.address()));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let users: Vec<_> = ctx.resources("AWS::IAM::User").collect();
    let additions: Vec<_> = ctx.resources("AWS::IAM::UserToGroupAddition").collect();
    for group in ctx.resources("AWS::IAM::Group").collect::<Vec<_>>() {
        let names_group = |node: &crate::cloudformation::tree::Node| cfn_names(ctx, node, group, &["GroupName"]);
        let listed = users.iter().any(|u| {
            ctx.prop(*u, "Groups").is_some_and(|(node, v)| {
                !v.is_known() && node.items().is_empty() || cfn_items(node).into_iter().any(names_group)
            })
        }) || additions.iter().any(|a| ctx.prop(*a, "GroupName").is_some_and(|(n, _)| names_group(n)));
        if !listed {
            let range = ctx.header(group);
            ctx.report(group, range, format!("`{}` {WHAT}", group.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_groups_without_members() {
        let tf = r#"resource "aws_iam_group_membership" "team" {
  name  = "team"
  users = [aws_iam_user.one.name, aws_iam_user.two.name]
  group = aws_iam_group.group.name
}
resource "aws_iam_group" "group" {
  name = "test-group"
}
resource "aws_iam_group_membership" "team2" {
  users = [aws_iam_user.one.name]
  group = aws_iam_group.group222.name
}
resource "aws_iam_group" "group2" {
  name = "test-group-2"
}
resource "aws_iam_group_membership" "team3" {
  users = []
  group = aws_iam_group.group3.name
}
resource "aws_iam_group" "group3" {
  name = "test-group-3"
}
resource "aws_iam_group" "by_user" {
  name = "by-user"
}
resource "aws_iam_user_group_membership" "u" {
  user   = "u"
  groups = ["by-user"]
}
resource "aws_iam_group" "unknown" {
  name = "unknown"
}
resource "aws_iam_group_membership" "unknown" {
  users = var.users
  group = aws_iam_group.unknown.name
}
"#;
        assert_eq!(lines(&RULE, tf), [13, 20]);
    }

    #[test]
    fn cloudformation_groups_no_user_lists() {
        let yaml = r#"Resources:
  myuseeer:
    Type: AWS::IAM::Group
    Properties:
      Path: "/"
  IamUserAdminSample22:
    Type: AWS::IAM::User
    Condition: IsSampleIamUser
    Properties:
      UserName: sample-iam-user-admin
      Groups:
      - !Ref 'myu2ser'
  myuser:
    Type: AWS::IAM::Group
  Named:
    Type: AWS::IAM::Group
    Properties:
      GroupName: named
  Added:
    Type: AWS::IAM::Group
  User:
    Type: AWS::IAM::User
    Properties:
      Groups: [!Ref myuser, named]
  Addition:
    Type: AWS::IAM::UserToGroupAddition
    Properties:
      GroupName: !Ref Added
      Users: [x]
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
