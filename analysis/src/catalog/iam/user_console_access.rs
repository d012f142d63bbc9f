use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "iam-user-console-access",
    title: "IAM user has a console password",
    severity: Severity::Low,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "Console passwords on IAM users are long-lived, phishable credentials outside your identity provider's \
          lifecycle: leavers keep them, and the provider's MFA and conditional-access policies do not apply. \
          People should sign in through IAM Identity Center or federation, with short sessions.",
    aws_side: "AWS stores and checks the password against the account's password policy; deciding that people get \
               federated access instead of IAM users is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_22"], kics: &["9ec311bf-dfd9-421f-8498-0b063c8bc552"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_273"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_273 flags every IAM user, with or without a password.",
    },
    matcher: &Custom {
        what: "Flags IAM users that have a login profile: an `aws_iam_user_login_profile` naming the user (by \
               reference or by name), or a `LoginProfile` in CloudFormation.",
        fix: "Give people access through IAM Identity Center (or federation with your identity provider) and remove \
              the login profile; keep IAM users for the few workloads that cannot use roles.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_user"],
            check,
            example: r#"resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_user_login_profile" "alice" {
  user = aws_iam_user.alice.name
}"#,
            fixed_example: r#"resource "aws_identitystore_group_membership" "alice" {
  identity_store_id = local.identity_store_id
  group_id          = aws_identitystore_group.developers.group_id
  member_id         = data.aws_identitystore_user.alice.user_id
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::User"],
            check: check_cfn,
            example: r#"Resources:
  Alice:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: '{{resolve:secretsmanager:alice-initial-password}}'
        PasswordResetRequired: true
"#,
            fixed_example: r#"Resources:
  Alice:
    Type: AWS::IAM::User
    Properties:
      Groups: [!Ref Developers]
"#,
        }),
    },
};

const WHAT: &str = "has a console password: people should sign in through IAM Identity Center or federation";

fn check(ctx: &mut TfContext) {
    for user in ctx.resources("aws_iam_user").collect::<Vec<_>>() {
        let profiles = crate::kit::companions::companions(ctx, user, "aws_iam_user_login_profile", "user", &["name"]);
        // A login profile that may not be created (`count = var.x ? 1 : 0` unknown) is not a finding.
        if let Some(profile) = profiles.iter().find(|p| crate::kit::companions::created(ctx, **p) == Some(true)) {
            let message = format!("`{}` {WHAT} (`{}`)", user.address(), profile.address());
            ctx.report(user, user.block.header, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for user in ctx.resources("AWS::IAM::User").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(user, "LoginProfile") else { continue };
        if value == crate::value::Value::Null {
            continue;
        }
        let range = ctx.prop_range(user, "LoginProfile").unwrap_or(node.range);
        ctx.report(user, range, format!("`{}` {WHAT}", user.logical_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_users_with_a_login_profile() {
        let tf = r#"resource "aws_iam_user" "example" {
  name = "example"
}
resource "aws_iam_user_login_profile" "example_login" {
  user    = aws_iam_user.example.name
  pgp_key = "keybase:some_person_that_exists"
}
resource "aws_iam_user" "by_name" {
  name = "bob"
}
resource "aws_iam_user_login_profile" "bob" {
  user = "bob"
}
resource "aws_iam_user" "machine" {
  name = "ci"
}
resource "aws_iam_user_login_profile" "unknown" {
  user = var.user
}
resource "aws_iam_user" "maybe" {
  name = "maybe"
}
resource "aws_iam_user_login_profile" "maybe" {
  count = var.console ? 1 : 0
  user  = aws_iam_user.maybe.name
}
resource "aws_iam_user" "never" {
  name = "never"
}
resource "aws_iam_user_login_profile" "never" {
  count = 0
  user  = aws_iam_user.never.name
}
variable "console" {}
"#;
        assert_eq!(lines(&RULE, tf), [1, 8]);
    }

    #[test]
    fn cloudformation_login_profiles() {
        let yaml = r#"Resources:
  WithPassword:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: !Ref Password
  Machine:
    Type: AWS::IAM::User
    Properties:
      Path: /
  NoValue:
    Type: AWS::IAM::User
    Properties:
      LoginProfile: !Ref AWS::NoValue
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
