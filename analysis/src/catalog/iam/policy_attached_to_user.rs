use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "iam-policy-attached-to-user",
    title: "Permissions are attached directly to an IAM user",
    severity: Severity::Low,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "Permissions granted user by user drift apart: nobody can tell who may do what, leavers keep rights \
          that were never written down elsewhere, and reviews must read every user. Granting them through \
          groups (or roles) keeps one place per job function to review and revoke.",
    aws_side: "AWS evaluates a user's policies however they are attached. Organising permissions so that they \
               can be reviewed and revoked is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_40"],
        kics: &[
            "b4378389-a9aa-44ee-91e7-ef183f11079e",
            "e4239438-e639-44aa-adb8-866e400e3ade",
            "0e5872b4-19a0-4165-8b2f-56d9e14b909f",
        ],
        trivy: &["AVD-AWS-0143", "aws-iam-no-user-attached-policies"],
    },
    related: Related {
        checkov: &[],
        kics: &["edc95c10-7366-4f30-9b4b-f995c84eceb5"],
        trivy: &[],
        how: "KICS's CloudFormation IAM Policies Attached To User (edc95c10) reads `Policies` and a misspelt \
              `ManagedPoliciesArns`, so it passes a user whose `ManagedPolicyArns` lists managed policies, which this \
              rule flags.",
    },
    matcher: &Custom {
        what: "Flags inline user policies (`aws_iam_user_policy`), managed policy attachments to users \
               (`aws_iam_user_policy_attachment`, `aws_iam_policy_attachment` with `users`) and the exclusive \
               user policy resources.",
        fix: "Put the policy on an `aws_iam_group` (or a role the user assumes) and add the user to the group with \
              `aws_iam_user_group_membership`; better, use IAM Identity Center permission sets instead of IAM users.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_iam_user_policy",
                "aws_iam_user_policy_attachment",
                "aws_iam_policy_attachment",
                "aws_iam_user_policies_exclusive",
                "aws_iam_user_policy_attachments_exclusive",
            ],
            check,
            example: r#"resource "aws_iam_user_policy_attachment" "dev" {
  user       = aws_iam_user.dev.name
  policy_arn = aws_iam_policy.dev.arn
}"#,
            fixed_example: r#"resource "aws_iam_group_policy_attachment" "dev" {
  group      = aws_iam_group.developers.name
  policy_arn = aws_iam_policy.dev.arn
}

resource "aws_iam_user_group_membership" "dev" {
  user   = aws_iam_user.dev.name
  groups = [aws_iam_group.developers.name]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::User", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::UserPolicy"],
            check: check_cfn,
            example: r#"Resources:
  DevPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Users: [!Ref Dev]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: 'ec2:Describe*', Resource: '*'}
"#,
            fixed_example: r#"Resources:
  DevPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Groups: [!Ref Developers]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: 'ec2:Describe*', Resource: '*'}
"#,
        }),
    },
};

/// Whether a list of users or policies is, or may be, non-empty.
fn non_empty(value: &Value) -> bool {
    match value {
        Value::List(items) => !items.is_empty(),
        Value::Null => false,
        _ => value.is_known(),
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::IAM::User").collect::<Vec<_>>() {
        for (prop, what) in
            [("Policies", "has inline policies"), ("ManagedPolicyArns", "has managed policies attached directly")]
        {
            let Some((node, value)) = ctx.prop(res, prop) else { continue };
            if non_empty(&value) {
                let range = ctx.prop_range(res, prop).unwrap_or(node.range);
                let message = format!("`{}` {what}: grant them through a group or a role", res.logical_id);
                ctx.report(res, range, message);
            }
        }
    }
    for ty in ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            if let Some((node, users)) = ctx.prop(res, "Users") {
                if non_empty(&users) {
                    let range = ctx.prop_range(res, "Users").unwrap_or(node.range);
                    let message = format!(
                        "`{}` attaches a policy directly to users: attach it to a group instead",
                        res.logical_id
                    );
                    ctx.report(res, range, message);
                }
            }
            // A malformed template may list the users inside a `Policies` item: AWS rejects it, but it says the
            // same thing.
            let Some((policies, _)) = ctx.prop(res, "Policies") else { continue };
            for item in policies.items() {
                let Some(entry) = item.entry("Users") else { continue };
                if non_empty(&ctx.eval(&entry.value)) {
                    let message = format!(
                        "`{}` attaches a policy directly to users: attach it to a group instead",
                        res.logical_id
                    );
                    ctx.report(res, entry.range, message);
                }
            }
        }
    }
    for res in ctx.resources("AWS::IAM::UserPolicy").collect::<Vec<_>>() {
        let range = ctx.prop_range(res, "UserName").unwrap_or(ctx.header(res));
        let message = format!("`{}` gives a user an inline policy: grant it through a group or a role", res.logical_id);
        ctx.report(res, range, message);
    }
}

fn check(ctx: &mut TfContext) {
    for (ty, what) in [
        ("aws_iam_user_policy", "gives a user an inline policy"),
        ("aws_iam_user_policy_attachment", "attaches a policy directly to a user"),
    ] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let range = res.block.attr("user").map(|a| a.range).unwrap_or(res.block.header);
            ctx.report(res, range, format!("`{}` {what}: grant it through a group or a role", res.address()));
        }
    }
    for res in ctx.resources("aws_iam_policy_attachment").collect::<Vec<_>>() {
        let Some((attr, users)) = ctx.attr(res.block, "users") else { continue };
        if non_empty(&users) {
            ctx.report(
                res,
                attr.range,
                format!("`{}` attaches a policy directly to users: attach it to a group instead", res.address()),
            );
        }
    }
    for (ty, list) in [
        ("aws_iam_user_policies_exclusive", "policy_names"),
        ("aws_iam_user_policy_attachments_exclusive", "policy_arns"),
    ] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((attr, policies)) = ctx.attr(res.block, list) else { continue };
            if non_empty(&policies) {
                ctx.report(
                    res,
                    attr.range,
                    format!("`{}` gives a user its own policies: grant them through a group or a role", res.address()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{lines, run};

    #[test]
    fn flags_user_policies_and_attachments() {
        let text = r#"resource "aws_iam_user_policy" "inline" {
  name   = "p"
  user   = aws_iam_user.u.name
  policy = "{}"
}
resource "aws_iam_user_policy_attachment" "managed" {
  user       = aws_iam_user.u.name
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_policy_attachment" "users" {
  name       = "a"
  users      = [aws_iam_user.u.name]
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_user_policy_attachments_exclusive" "ex" {
  user_name   = "u"
  policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}
"#;
        assert_eq!(lines(&RULE, text), [3, 7, 12, 17]);
    }

    #[test]
    fn ignores_groups_roles_and_empty_user_lists() {
        let text = r#"resource "aws_iam_policy_attachment" "roles" {
  name       = "a"
  roles      = [aws_iam_role.r.name]
  users      = []
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_policy_attachment" "none" {
  name       = "b"
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_policy_attachment" "unknown" {
  name       = "c"
  users      = var.users
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_group_policy_attachment" "g" {
  group      = "g"
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ec2:Describe*", Resource = "*" }] })
}
"#;
        assert!(run(&RULE, text).is_empty(), "{:?}", run(&RULE, text));
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::cfn_lines;
        let yaml = r#"Resources:
  U:
    Type: AWS::IAM::User
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      Policies:
        - PolicyName: p
          PolicyDocument: {Statement: []}
  Empty:
    Type: AWS::IAM::User
    Properties:
      ManagedPolicyArns: []
      Groups: [g]
  P:
    Type: AWS::IAM::Policy
    Properties:
      Users: [!Ref U]
      Groups: []
  G:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Groups: [g]
      Users: !Ref Users
  I:
    Type: AWS::IAM::UserPolicy
    Properties:
      UserName: !Ref U
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [6, 5, 17, 27]);
        let json = r#"{"Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"Users": ["u"]}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
    }

    #[test]
    fn cloudformation_users_inside_a_policies_item() {
        use crate::kit::testing::cfn_lines;
        let yaml = r#"Resources:
  Misplaced:
    Type: AWS::IAM::Policy
    Properties:
      Policies:
        - PolicyName: queue
          PolicyDocument: {Statement: [{Effect: Allow, Action: "sqs:*", Resource: "*"}]}
          Users:
            - existinguser1
  ToGroups:
    Type: AWS::IAM::Policy
    Properties:
      Policies:
        - PolicyName: queue
          PolicyDocument: {Statement: [{Effect: Allow, Action: "sqs:*", Resource: "*"}]}
          Groups: [existinggroup]
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [8]);
    }
}
