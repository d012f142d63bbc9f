use crate::cloudformation::check::CfnContext;
use crate::kit::policy_sites::{policy_sites, SiteKind};
use crate::kit::policy_sites_cfn::cfn_policy_sites;
use crate::policy::{is_full_wildcard, Statement};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "iam-policy-service-wildcard",
    title: "IAM policy allows a whole service, or IAM write actions, on every resource",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "`s3:*` on `*` lets the principal read, overwrite and delete every bucket of the account and change \
          their policies; `kms:*` lets it decrypt anything and schedule keys for deletion. IAM write wildcards \
          and `iam:PassRole` on every role are privilege escalation: the principal can attach an administrator \
          policy to itself, or hand an administrator role to a Lambda function or an instance it controls.",
    aws_side: "AWS enforces the policies exactly as written. Scoping actions and resources to what a workload \
               needs is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &["e39bee8c-fe54-4a3f-824d-e5e2d1cca40a"], trivy: &[] },
    related: Related {
        checkov: &[
            "CKV_AWS_355",
            "CKV_AWS_356",
            "CKV_AWS_286",
            "CKV_AWS_287",
            "CKV_AWS_288",
            "CKV_AWS_289",
            "CKV_AWS_290",
        ],
        kics: &[],
        trivy: &["AVD-AWS-0057", "aws-iam-no-policy-wildcards"],
        how: "Checkov's CKV_AWS_355 and CKV_AWS_356 fail any action that could be restricted to a resource allowed \
              on `Resource \"*\"` (`s3:GetObject`, `ec2:Describe*`), and CKV_AWS_286 to CKV_AWS_290 test categories \
              of actions (privilege escalation, credentials exposure, data exfiltration, permissions management, \
              write) that disagree with this rule both ways. Trivy's AVD-AWS-0057 is deprecated and flags nothing \
              today.",
    },
    matcher: &Custom {
        what: "Flags identity policies (and policy documents without principals) with an `Allow` statement on \
               `Resource = \"*\"` whose actions include a service-wide wildcard (`s3:*`, `kms:*`), an IAM write \
               wildcard (`iam:Put*`, `iam:Attach*`, `iam:Create*`...) or `iam:PassRole`.",
        fix: "Name the actions the workload calls and scope `Resource` to the ARNs it uses (`iam:PassRole` to the \
              roles it may hand over, with an `iam:PassedToService` condition).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_iam_policy",
                "aws_iam_role_policy",
                "aws_iam_user_policy",
                "aws_iam_group_policy",
                "aws_iam_role",
                "aws_ssoadmin_permission_set_inline_policy",
                "aws_iam_policy_document",
            ],
            check,
            example: r#"resource "aws_iam_role_policy" "app" {
  role = aws_iam_role.app.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }]
  })
}"#,
            fixed_example: r#"resource "aws_iam_role_policy" "app" {
  role = aws_iam_role.app.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::app/*" }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[
                "AWS::IAM::Policy",
                "AWS::IAM::ManagedPolicy",
                "AWS::IAM::RolePolicy",
                "AWS::IAM::UserPolicy",
                "AWS::IAM::GroupPolicy",
                "AWS::IAM::Role",
                "AWS::IAM::User",
                "AWS::IAM::Group",
                "AWS::SSO::PermissionSet",
                "AWS::Serverless::Function",
            ],
            check: check_cfn,
            example: r#"Resources:
  AppPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: app
      Roles: [!Ref AppRole]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:*
            Resource: '*'
"#,
            fixed_example: r#"Resources:
  AppPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: app
      Roles: [!Ref AppRole]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: [s3:GetObject, s3:PutObject]
            Resource: arn:aws:s3:::app/*
"#,
        }),
    },
};

/// IAM verbs that change permissions (privilege escalation), as action-name prefixes.
const IAM_WRITE_VERBS: [&str; 11] =
    ["add", "attach", "create", "delete", "detach", "pass", "put", "remove", "set", "update", "upload"];

/// Whether an action grants a whole service, or IAM's permission-changing actions.
fn is_broad(action: &str) -> bool {
    let action = action.to_ascii_lowercase();
    let Some((service, name)) = action.split_once(':') else { return false };
    if service.is_empty() || !service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return false;
    }
    if name == "*" {
        return true;
    }
    if service != "iam" {
        return false;
    }
    if name == "passrole" {
        return true;
    }
    // `iam:Put*`, `iam:P*` (covers PassRole and Put*): a wildcard whose prefix reaches a write verb.
    match name.strip_suffix('*') {
        Some(prefix) if !prefix.contains(['*', '?']) => {
            IAM_WRITE_VERBS.iter().any(|verb| verb.starts_with(prefix) || prefix.starts_with(verb))
        }
        _ => false,
    }
}

/// The broad actions a statement allows on every resource (none when it allows `*`: that is
/// `iam-policy-full-admin`'s finding).
fn broad_actions(s: &Statement) -> Vec<&str> {
    if !s.allow || !s.principals.is_empty() || s.has_not_principal || s.actions.iter().any(|a| is_full_wildcard(a)) {
        return Vec::new();
    }
    if !s.resources.iter().any(|r| r == "*") {
        return Vec::new();
    }
    s.actions.iter().map(String::as_str).filter(|a| is_broad(a)).collect()
}

fn check_cfn(ctx: &mut CfnContext) {
    for site in cfn_policy_sites(ctx, false) {
        let mut actions: Vec<&str> = site.policy.statements.iter().flat_map(broad_actions).collect();
        actions.dedup();
        if actions.is_empty() {
            continue;
        }
        let list = actions.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
        ctx.report(site.res, site.range, format!("`{}` allows {list} on every resource (`*`)", site.res.logical_id));
    }
}

fn check(ctx: &mut TfContext) {
    for site in policy_sites(ctx, false) {
        debug_assert!(site.kind != SiteKind::Trust);
        let mut actions: Vec<&str> = site.policy.statements.iter().flat_map(broad_actions).collect();
        actions.dedup();
        if actions.is_empty() {
            continue;
        }
        let list = actions.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
        ctx.report(site.res, site.range, format!("`{}` allows {list} on every resource (`*`)", site.res.address()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{lines, run};

    #[test]
    fn broad_actions_are_recognised() {
        for a in ["s3:*", "KMS:*", "iam:PassRole", "iam:passrole", "iam:Put*", "iam:Attach*", "iam:P*", "iam:Cre*"] {
            assert!(is_broad(a), "{a}");
        }
        for a in ["*", "s3:GetObject", "ec2:Describe*", "iam:Get*", "iam:List*", "s3:Get*", "iam:PutRolePolicy", "x"] {
            assert!(!is_broad(a), "{a}");
        }
    }

    #[test]
    fn flags_service_wildcards_on_every_resource() {
        let text = r#"resource "aws_iam_role_policy" "pass" {
  role   = aws_iam_role.r.id
  policy = <<-EOF
  {"Statement": [{"Action": ["iam:passrole"], "Effect": "Allow", "Resource": "*"}]}
  EOF
}
resource "aws_iam_policy" "s3" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:*", "ec2:Describe*"], Resource = "*" }] })
}
data "aws_iam_policy_document" "kms" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
  }
}
"#;
        assert_eq!(lines(&RULE, text), [8, 3, 10]);
        assert!(run(&RULE, text)[0].message.contains("`s3:*`"));
    }

    #[test]
    fn ignores_scoped_read_only_admin_and_resource_policies() {
        let text = r#"resource "aws_iam_role_policy" "scoped" {
  role   = aws_iam_role.r.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::1:role/x" }] })
}
resource "aws_iam_policy" "read" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["ec2:Describe*", "s3:Get*"], Resource = "*" }] })
}
resource "aws_iam_policy" "admin" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["*", "s3:*"], Resource = "*" }] })
}
resource "aws_iam_policy" "unknown" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = var.arn }] })
}
resource "aws_iam_role" "trust" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:*", Principal = { Service = "ec2.amazonaws.com" } }] })
}
data "aws_iam_policy_document" "key" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}
"#;
        assert!(run(&RULE, text).is_empty(), "{:?}", run(&RULE, text));
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::cfn_lines;
        let m = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &m.0), [7]);
        assert!(cfn_lines(&RULE, &m.1).is_empty());
        let json = r#"{"Resources": {"U": {"Type": "AWS::IAM::User", "Properties": {"Policies": [{"PolicyName": "p",
  "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": ["*"]}]}}]}},
  "R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sts:*"}]}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
    }
}
